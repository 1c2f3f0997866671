// A device given several addresses of its server (the `run` processes of one
// store, issue 14) enrolls and syncs through whichever answers, and after a
// failover goes straight to the one that took over: nothing is asked of the
// officer.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-tan-lap";

// A loopback port nobody listens on while this lives: bound, never
// listening, so a connect is refused at once (a `run` that died).
class DeadPort {
 public:
  DeadPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
  }
  ~DeadPort() { Release(); }
  // Frees the port for a server to take.
  void Release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

std::string EnrollWith(ServerProcess& server, const std::vector<std::string>& addresses) {
  std::vector<std::string> args{"enroll", "--ward", kWard, "--role", "officer"};
  for (const auto& a : addresses) {
    args.push_back("--server");
    args.push_back(a);
  }
  auto r = server.Admin(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string code = r.out.substr(0, r.out.find('\n'));
  REQUIRE(code.rfind("WS1-", 0) == 0);
  return code;
}

}  // namespace

TEST_CASE("a device tries its server's addresses in turn and follows a failover", "[e2e][failover]") {
  DeadPort standby;  // the standby's address: nothing answers there yet
  ServerProcess server;
  server.Start();
  const std::string code = EnrollWith(server, {standby.address(), server.address()});

  TempDir dir("e2e-client");
  const std::string data = dir.Sub("client");
  // No --server: the addresses come from the code; the first is refused.
  auto init = RunCommand("wardsync", {"init", "--data", data, "--code", code, "--officer", "Nguyễn Văn An"});
  INFO(init.out << init.err);
  REQUIRE(init.exit_code == 0);
  auto json = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--data", data, "--json"});
    auto r = RunCommand("wardsync", args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return ParseJson(r.out);
  };
  auto status = json({"status"});
  REQUIRE(Items(At(status, "servers")).size() == 2);
  CHECK(Str(Items(At(status, "servers"))[0]) == standby.address());
  CHECK(Str(Items(At(status, "servers"))[1]) == server.address());
  CHECK(Str(At(status, "server_answered")) == server.address());

  auto capture = [&](int attended) {
    std::vector<std::string> args{"new", "--form", "voter-meeting", "--data", data};
    for (auto& s : MeetingSets(120, attended, "qh-dv1-tran-thi-lan")) args.push_back(s);
    auto r = RunCommand("wardsync", args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  };
  capture(90);
  auto first = RunCommand("wardsync", {"sync", "--data", data});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);

  // Failover: the active process dies, the standby's address starts serving
  // the same store.
  REQUIRE(server.Stop() == 0);
  standby.Release();
  Process taken_over("wardsync-server", {"run", "--data", server.data(), "--listen", standby.address()});
  REQUIRE(taken_over.WaitForStderrLine("listening on ", std::chrono::seconds(20)).has_value());

  capture(91);
  auto second = RunCommand("wardsync", {"sync", "--data", data});
  INFO(second.err);
  CHECK(second.exit_code == 0);
  status = json({"status"});
  CHECK(Num(At(status, "pending")) == 0);
  CHECK(Str(At(status, "server_answered")) == standby.address());
  auto records = ParseJson(RunCommand("wardsync-server", {"records", "--data", server.data(), "--json"}).out);
  CHECK(Items(records).size() == 2);
  REQUIRE(taken_over.Signal(15));
  CHECK(taken_over.Wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("no address answering fails clearly and uses no code; a bad address makes no code", "[e2e][failover]") {
  DeadPort a, b;
  ServerProcess server;
  server.Start();

  // A typo in an address is refused before a code is made.
  auto bad = server.Admin({"enroll", "--ward", kWard, "--role", "officer", "--server", "127.0.0.1:7443,nonsense"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("nonsense") != std::string::npos);
  auto twice = server.Admin({"enroll", "--ward", kWard, "--role", "officer", "--server", a.address(), "--server",
                             a.address()});
  CHECK(twice.exit_code == 2);
  CHECK(twice.err.find("given twice") != std::string::npos);
  auto codes = server.Admin({"codes", "list", "--json"});
  INFO(codes.err);
  REQUIRE(codes.exit_code == 0);
  CHECK(Items(ParseJson(codes.out)).size() == 0);

  const std::string code = EnrollWith(server, {a.address(), b.address()});
  TempDir dir("e2e-client");
  auto init = RunCommand("wardsync", {"init", "--data", dir.Sub("client"), "--code", code});
  CHECK(init.exit_code == 1);
  CHECK(init.err.find("no address of the server answered") != std::string::npos);
  CHECK(init.err.find(a.address()) != std::string::npos);
  CHECK(init.err.find(b.address()) != std::string::npos);
  // The code was never redeemed: the device can still use it with the right address.
  auto ok = RunCommand("wardsync", {"init", "--data", dir.Sub("client2"), "--code", code, "--server",
                                    server.address()});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
}

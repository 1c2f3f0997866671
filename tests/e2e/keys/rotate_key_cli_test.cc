// `wardsync rotate-key` through the real binaries: rotated and recorded at
// once, queued while the server is down, forwarded to a running agent; the
// server's `devices` shows the epoch and `verify` passes; a rotated key file
// others can read stops the client.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "tests/e2e/core/cli_fixture.h"
#include "tests/support/eventually.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

// The entry of `devices --json` for one device.
JsonValue DeviceEntry(ServerProcess& server, const std::string& id) {
  auto r = server.Admin({"devices", "--json"});
  REQUIRE(r.exit_code == 0);
  const JsonValue listed = ParseJson(r.out);
  for (const auto& d : Items(listed)) {
    if (Str(At(d, "id")) == id) return d;
  }
  FAIL("device " << id << " is not listed by devices --json");
  return JsonValue();
}

int FileMode(const std::string& path) {
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}

}  // namespace

TEST_CASE("wardsync rotate-key: recorded at once, the chain goes on, a readable key file stops the client",
          "[e2e][keys]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  const std::string id = Str(At(c.Json({"status"}), "device"));
  c.NewMeeting(100, 90);
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  c.NewMeeting(100, 80);  // made before the rotation, sent with it

  auto help = c.Run({"rotate-key", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("usage: wardsync rotate-key") != std::string::npos);

  auto rotated = c.Json({"rotate-key"});
  CHECK(Num(At(rotated, "key_epoch")) == 1);
  CHECK(Bool(At(rotated, "recorded")));
  CHECK(Num(At(rotated, "pending")) == 0);
  const std::string key_file = Str(At(rotated, "key_file"));
  CHECK(key_file == c.data() + "/device.1.key");
  CHECK(FileMode(key_file) == 0600);
  CHECK(access((c.data() + "/device.key").c_str(), F_OK) != 0);  // the old key is gone
  // The public key is printed; the private key never is.
  CHECK(Str(At(rotated, "public_key")).size() == 64);
  CHECK(rotated.DebugString().find("PRIVATE") == std::string::npos);

  c.NewMeeting(100, 70);
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  CHECK(Items(server.Records()).size() == 3);
  auto entry = DeviceEntry(server, id);
  CHECK(Num(At(entry, "key_epoch")) == 1);
  CHECK_FALSE(IsNull(At(entry, "key_rotated")));
  CHECK(server.Admin({"devices"}).out.find("key_epoch=1") != std::string::npos);
  auto verify = server.Admin({"verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);

  // A rotated key file that others can read: the client refuses to start.
  REQUIRE(chmod(key_file.c_str(), 0644) == 0);
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"new", "--form", "voter-meeting", "--set", "candidate=qh-dv1-tran-thi-lan"},
        std::vector<std::string>{"sync"}, std::vector<std::string>{"rotate-key"}, std::vector<std::string>{"agent"}}) {
    auto r = c.Run(cmd);
    INFO(cmd[0] << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("can be read by others") != std::string::npos);
  }
  REQUIRE(chmod(key_file.c_str(), 0600) == 0);
  CHECK(c.Run({"sync"}).exit_code == 0);
  CHECK(server.Stop() == 0);
}

TEST_CASE("wardsync rotate-key while the server is down stays queued; through the agent it is forwarded",
          "[e2e][keys]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  const std::string id = Str(At(c.Json({"status"}), "device"));
  c.NewMeeting();
  REQUIRE(server.Stop() == 0);

  // Offline: the rotation is made and queued behind the pending record.
  auto offline = c.Run({"rotate-key"});
  INFO(offline.out << offline.err);
  CHECK(offline.exit_code == 1);
  CHECK(offline.err.find("stays queued") != std::string::npos);
  auto status = c.Json({"status"});
  CHECK(Num(At(status, "key_epoch")) == 1);
  CHECK(Bool(At(status, "key_rotation_pending")));
  CHECK(Num(At(status, "pending")) == 2);
  CHECK(access((c.data() + "/device.key").c_str(), F_OK) == 0);  // kept until acknowledged
  auto again = c.Run({"rotate-key"});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("not acknowledged") != std::string::npos);
  c.NewMeeting(90, 60);  // signed with the new key

  server.Start();
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  CHECK_FALSE(Bool(At(c.Json({"status"}), "key_rotation_pending")));
  CHECK(Num(At(DeviceEntry(server, id), "key_epoch")) == 1);
  CHECK(Items(server.Records()).size() == 2);

  // With the agent running, the command is forwarded to it; --no-sync
  // leaves the sending to the agent, which is woken for it.
  // Wait for the agent's own line: a command run meanwhile would hold the
  // directory's lock and stop the agent from starting.
  Process agent("wardsync", c.Args({"agent", "--interval-s", "3600"}));
  const bool agent_up = agent.WaitForStderrLine("agent: running").has_value();
  INFO("agent: " << agent.err());
  REQUIRE(agent_up);
  CHECK(Bool(At(c.Json({"status"}), "agent_running")));
  auto queued = c.Json({"rotate-key", "--no-sync"});  // forwarded to the agent
  CHECK(Num(At(queued, "key_epoch")) == 2);
  CHECK(Eventually([&] {
    auto s = c.Json({"status"});
    return !Bool(At(s, "key_rotation_pending")) && Num(At(s, "pending")) == 0;
  }));
  CHECK(Num(At(DeviceEntry(server, id), "key_epoch")) == 2);
  c.NewMeeting(80, 50);  // forwarded too, signed with the key of epoch 2
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  CHECK(Items(server.Records()).size() == 3);
  CHECK(agent.Signal(15));
  CHECK(agent.Wait().has_value());
  auto verify = server.Admin({"verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  CHECK(server.Stop() == 0);
}

// Issue 10: accept errors must not spin. With `ulimit -n 1024` the server
// wrote 663,000 log lines in 8 s on EMFILE. Here the running server binary's
// RLIMIT_NOFILE is lowered (prlimit(2)) to just above what it holds, a
// handful of bare connections exhaust it, and the log must show the episode
// once when it starts and once, counted, when it ends - with the count
// bounded by the backoff (10 ms doubling to 1 s), not by CPU speed.
#include <catch2/catch.hpp>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

size_t OpenFds(pid_t pid) {
  size_t n = 0;
  DIR* d = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

int Connect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);  // the kernel's backlog completes it
  return fd;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("e2e: accept errors (EMFILE) back off and are logged once per episode with a count", "[e2e][security][dos]") {
  ServerProcess server;
  server.Start({"--handshake-timeout-ms", "2000"});
  const pid_t pid = server.process().pid();
  rlimit old{};
  REQUIRE(prlimit(pid, RLIMIT_NOFILE, nullptr, &old) == 0);
  // The soft limit only: raising a hard limit back needs CAP_SYS_RESOURCE.
  const rlimit low{OpenFds(pid) + 2, old.rlim_max};
  REQUIRE(prlimit(pid, RLIMIT_NOFILE, &low, nullptr) == 0);

  std::vector<int> flood;
  for (int i = 0; i < 20; ++i) flood.push_back(Connect(server.port()));
  auto started = server.process().WaitForStderrLine("accept failed");
  INFO("server stderr: " << server.process().err());
  REQUIRE(started.has_value());
  CHECK(started->find("Too many open files") != std::string::npos);
  // End the episode: the limit comes back, the next accept succeeds.
  REQUIRE(prlimit(pid, RLIMIT_NOFILE, &old, nullptr) == 0);
  auto ended = server.process().WaitForStderrLine("now stopped", std::chrono::seconds(20));
  REQUIRE(ended.has_value());
  for (int fd : flood) close(fd);

  const std::string log = server.process().err();
  CHECK(Count(log, "accept failed") == 2);  // start and summary, not one per error
  std::smatch m;
  REQUIRE(std::regex_search(*ended, m, std::regex("accept failed: (\\d+) in (\\d+) ms")));
  const long errors = std::stol(m[1]);
  const long ms = std::stol(m[2]);
  INFO(*ended);
  CHECK(errors >= 1);
  // Backoff 10, 20, 40 ... 1000 ms: at most ~ms/1000 + 8 tries, far from a spin.
  CHECK(errors <= ms / 1000 + 10);

  // The server still serves.
  ClientProcess c(server, "phuong-hoang-van-thu");
  c.NewMeeting();
  CHECK(c.Run({"sync"}).exit_code == 0);
}

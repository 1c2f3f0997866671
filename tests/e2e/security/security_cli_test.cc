// The security commands and guarantees through the real binaries: `revoke`
// forwarded to a running server, and one process per data directory for
// the client's agent as for the server.
#include <catch2/catch.hpp>

#include "tests/e2e/core/cli_fixture.h"
#include "tests/support/eventually.h"

using namespace wardsync;
using namespace wardsync::test;

TEST_CASE("wardsync-server revoke shuts a device out; devices shows it", "[e2e][security]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, "phuong-hoang-van-thu");
  c.NewMeeting();
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  const std::string id = Str(At(c.Json({"status"}), "device"));
  REQUIRE_FALSE(id.empty());

  auto r = server.Admin({"revoke", id, "--reason", "lost phone"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  c.NewMeeting(50, 40);
  auto sync = c.Run({"sync"});
  CHECK(sync.exit_code != 0);
  CHECK(sync.err.find("revoked") != std::string::npos);
  CHECK(server.process().WaitForStderrLine("refused device " + id).has_value());

  auto devices = server.Admin({"devices"});
  CHECK(devices.out.find("REVOKED") != std::string::npos);
  CHECK(devices.out.find("lost phone") != std::string::npos);
  CHECK(server.Admin({"verify"}).exit_code == 0);
  CHECK(server.Admin({"revoke", "--help"}).exit_code == 0);
  CHECK(server.Stop() == 0);
}

TEST_CASE("a second agent on the same client data directory fails at once", "[e2e][security]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, "phuong-hoang-van-thu");
  Process agent("wardsync", c.Args({"agent", "--interval-s", "3600"}));
  // Wait for the agent to hold the directory: a `status` run while it starts
  // could take the LevelDB lock first and make the agent itself fail.
  REQUIRE(agent.WaitForStderrLine("agent: running", std::chrono::milliseconds(20'000)));
  REQUIRE(Eventually([&] {
    auto s = c.Run({"status", "--json"});
    return s.exit_code == 0 && Bool(At(ParseJson(s.out), "agent_running"));
  }));
  auto second = RunCommand("wardsync", c.Args({"agent"}), std::chrono::seconds(10));
  CHECK(second.exit_code != 0);
  CHECK(second.exit_code != -1);  // ended by itself, not by the timeout
  INFO(second.err);
  CHECK(second.err.find("already") != std::string::npos);
  CHECK(agent.Signal(15));
  CHECK(agent.Wait().has_value());
  CHECK(server.Stop() == 0);
}

// wardsync-server as a process: clean stop on SIGTERM/SIGINT, admin commands
// with and without a running server, one server per data directory, --help.
#include <catch2/catch.hpp>

#include <signal.h>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

TEST_CASE("wardsync-server run stops cleanly on SIGTERM and SIGINT", "[e2e]") {
  ServerProcess server;
  server.Start();
  SECTION("SIGTERM") { CHECK(server.Stop(SIGTERM) == 0); }
  SECTION("SIGINT") { CHECK(server.Stop(SIGINT) == 0); }
  // The data directory is free again: an offline admin command opens it.
  auto r = server.Admin({"devices", "--json"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(Items(ParseJson(r.out)).empty());
}

TEST_CASE("a second server on the same data directory fails at once", "[e2e]") {
  ServerProcess server;
  server.Start();
  auto second = RunCommand("wardsync-server", {"run", "--data", server.data(), "--listen", "127.0.0.1:0"},
                           std::chrono::seconds(10));
  CHECK(second.exit_code != 0);
  CHECK(second.exit_code != -1);  // ended by itself, not by the timeout
  CHECK(second.err.find("already") != std::string::npos);
  CHECK(second.err.find(server.data()) != std::string::npos);
  // The first one still serves.
  ClientProcess c(server, "phuong-hoang-van-thu");
  CHECK(server.Stop() == 0);
}

TEST_CASE("admin commands work with and without a running server", "[e2e]") {
  ServerProcess server;
  auto check_admin = [&] {
    auto wards = server.Admin({"wards", "--json"});
    INFO(wards.err);
    REQUIRE(wards.exit_code == 0);
    CHECK(Items(ParseJson(wards.out)).size() == 32);
    auto forms = server.Admin({"forms", "list", "--json"});
    REQUIRE(forms.exit_code == 0);
    // Form versions: tally-minutes has four; complaint three; turnout-report, polling-station-readiness,
    // candidate, consultation-conference and voter-meeting two.
    CHECK(Items(ParseJson(forms.out)).size() == 18);
    // init --forms also publishes the pack's choices/ (the lists tally-minutes 4 picks from).
    auto lists = server.Admin({"choices", "list", "--json"});
    REQUIRE(lists.exit_code == 0);
    CHECK(Items(ParseJson(lists.out)).size() == 3);
    auto code = server.Enroll("phuong-hoang-van-thu", "reviewer");
    CHECK_FALSE(code.empty());
    auto records = server.Admin({"records", "--json"});
    REQUIRE(records.exit_code == 0);
    CHECK(Items(ParseJson(records.out)).empty());
  };
  SECTION("offline") { check_admin(); }
  SECTION("forwarded to the running server") {
    server.Start();
    check_admin();
    // A code made while it runs is redeemed by it.
    ClientProcess c(server, "phuong-hoang-van-thu", "reviewer");
    auto devices = ParseJson(server.Admin({"devices", "--json"}).out);
    REQUIRE(Items(devices).size() == 1);
    CHECK(Str(At(Items(devices)[0], "role")) == "reviewer");
    CHECK(server.Stop() == 0);
  }
  SECTION("errors are clear and non-zero") {
    auto r = server.Admin({"enroll", "--ward", "no-such-ward", "--role", "officer"});
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("no-such-ward") != std::string::npos);
    auto missing = RunCommand("wardsync-server", {"records", "--data", server.data() + "-missing"});
    CHECK(missing.exit_code != 0);
    CHECK(missing.err.find("error") != std::string::npos);
  }
}

TEST_CASE("both binaries and their commands print --help", "[e2e]") {
  for (const auto& [bin, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"wardsync-server", {"--help"}},
           {"wardsync-server", {"init", "--help"}},
           {"wardsync-server", {"run", "--help"}},
           {"wardsync-server", {"enroll", "--help"}},
           {"wardsync-server", {"records", "--help"}},
           {"wardsync", {"--help"}},
           {"wardsync", {"init", "--help"}},
           {"wardsync", {"new", "--help"}},
           {"wardsync", {"sync", "--help"}},
           {"wardsync", {"status", "--help"}},
       }) {
    auto r = RunCommand(bin, args);
    INFO(bin << " " << args[0]);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage") != std::string::npos);
  }
}

// A laptop whose clock is 2 hours fast, with the real binaries: the client
// runs under faketime (libfaketime shifts its wall clock, not its boot
// clock, as a wrongly set clock does). Nothing is refused; the device is
// flagged in `devices`; capture warns; once the clock is set right the next
// edit syncs and wins, and the warning stops at once.
#include <catch2/catch.hpp>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-trung-vuong";

// `wardsync ARGS --data DIR` with the clock `shift` ahead ("+2h").
CommandResult RunShifted(ClientProcess& c, const std::string& shift, std::vector<std::string> args) {
  std::vector<std::string> argv = {"FAKETIME_DONT_FAKE_MONOTONIC=1", "faketime", "-f", shift, BinaryPath("wardsync")};
  for (auto& a : c.Args(std::move(args))) argv.push_back(std::move(a));
  return RunCommand("/usr/bin/env", argv);
}

const JsonValue* DeviceEntry(const JsonValue& devices, const std::string& id) {
  for (const auto& d : Items(devices)) {
    if (Str(At(d, "id")) == id) return &d;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a client 2 hours fast syncs, is flagged and warned, and syncs again once its clock is fixed",
          "[e2e][clock]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);  // enrolled with the right clock: the first sync measured it
  const std::string device = Str(At(c.Json({"status"}), "device"));

  // 2 hours fast: `new` saves (and warns: the boot clock says the wall clock moved), `sync` is accepted.
  std::vector<std::string> args = {"new", "--form", "voter-meeting"};
  for (auto& s : MeetingSets(120, 95, "qh-dv1-tran-thi-lan")) args.push_back(s);
  auto made = RunShifted(c, "+2h", args);
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const std::string id = made.out.substr(0, 32);
  CHECK(made.err.find("clock is 2 h 0 min ahead of the server's") != std::string::npos);
  auto synced = RunShifted(c, "+2h", {"sync"});
  INFO(synced.out << synced.err);
  REQUIRE(synced.exit_code == 0);
  CHECK(synced.err.find("refused") == std::string::npos);

  // The server flags the device with its skew, and says it clamped its stamp.
  auto devices = server.Admin({"devices", "--json"});
  REQUIRE(devices.exit_code == 0);
  auto parsed = ParseJson(devices.out);
  const JsonValue* d = DeviceEntry(parsed, device);
  REQUIRE(d != nullptr);
  CHECK(Bool(At(*d, "clock_off")));
  CHECK(Num(At(*d, "clock_skew_s")) >= 7190);
  CHECK(Num(At(*d, "clock_skew_s")) <= 7210);
  CHECK(Num(At(At(*d, "stamp_clamped"), "ahead_s")) >= 7190);
  CHECK(Num(At(*d, "queue_depth")) == 0);
  auto text = server.Admin({"devices"});
  CHECK(text.out.find("CLOCK-OFF") != std::string::npos);

  // The client knows too: status, and every capture warns.
  auto status = RunShifted(c, "+2h", {"status", "--json"});
  REQUIRE(status.exit_code == 0);
  auto st = ParseJson(status.out);
  CHECK(Bool(At(st, "clock_off")));
  CHECK(Num(At(st, "clock_ahead_ms")) > 7190 * 1000);
  auto edited = RunShifted(c, "+2h", {"edit", id, "--set", "agree=50"});
  REQUIRE(edited.exit_code == 0);
  CHECK(edited.err.find("2 h 0 min ahead") != std::string::npos);
  CHECK(edited.err.find("the server allows 5 min 0 s") != std::string::npos);
  REQUIRE(RunShifted(c, "+2h", {"sync"}).exit_code == 0);

  // The clock is set right: no warning, the edit syncs and stands.
  auto fixed = c.Run({"edit", id, "--set", "agree=70"});
  INFO(fixed.err);
  REQUIRE(fixed.exit_code == 0);
  CHECK(fixed.err.find("warning") == std::string::npos);
  auto after = c.Json({"sync"});
  CHECK(Num(At(after, "pending")) == 0);
  bool found = false;
  const auto records = server.Records();
  for (const auto& r : Items(records)) {
    if (Str(At(r, "id")) != id) continue;
    found = true;
    CHECK(Num(At(At(r, "fields"), "agree")) == 70);
  }
  CHECK(found);
  st = c.Json({"status"});
  CHECK_FALSE(Bool(At(st, "clock_off")));
  parsed = ParseJson(server.Admin({"devices", "--json"}).out);
  d = DeviceEntry(parsed, device);
  REQUIRE(d != nullptr);
  CHECK_FALSE(Bool(At(*d, "clock_off")));
  CHECK(Num(At(*d, "queue_depth")) == 0);
  auto verified = server.Admin({"verify"});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);
}

TEST_CASE("run --max-clock-skew-s is validated", "[e2e][clock]") {
  ServerProcess server;
  for (const std::string bad : {"0", "86401", "-5", "abc"}) {
    auto r = RunCommand("wardsync-server", {"run", "--data", server.data(), "--listen", "127.0.0.1:0",
                                            "--max-clock-skew-s", bad});
    INFO(bad << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--max-clock-skew-s") != std::string::npos);
  }
}

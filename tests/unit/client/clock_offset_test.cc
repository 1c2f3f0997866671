// The client's view of its clock against the server's
// (client/sync/clock_offset.h): measured at a sync, carried forward with the
// boot clock, warned about at capture.
#include <catch2/catch.hpp>

#include "client/sync/clock_offset.h"

using namespace wardsync;
using namespace wardsync::client;

namespace {
constexpr uint64_t kServer = 1'790'000'000'000;
constexpr uint64_t kHour = 3600 * 1000;
const BootTime kBoot{50'000, "boot-a"};
}  // namespace

TEST_CASE("the offset is measured at the middle of the round trip", "[unit][clock]") {
  store::SyncState s;
  CHECK_FALSE(EstimateClock(s, kServer, kBoot).has_value());
  CHECK_FALSE(ClockWarning(s, kServer, kBoot).has_value());
  // Device 2 hours fast; hello sent at +2h, reply read 200 ms later.
  RecordServerClock(s, kServer + 100, kServer + 2 * kHour, kServer + 2 * kHour + 200, 300'000, kBoot);
  CHECK(s.server_offset_ms() == -static_cast<int64_t>(2 * kHour));
  CHECK(s.offset_measured_ms() == kServer + 2 * kHour + 100);
  CHECK(EstimateClock(s, kServer + 2 * kHour + 100, kBoot)->measured_ms == kServer + 100);
  CHECK(AllowedSkewMs(s) == 300'000);
  auto e = EstimateClock(s, kServer + 2 * kHour + 100, kBoot);
  REQUIRE(e.has_value());
  CHECK(e->ahead_ms == static_cast<int64_t>(2 * kHour));
  CHECK(e->off());
  // A server that does not say its clock changes nothing.
  store::SyncState before = s;
  RecordServerClock(s, 0, 1, 2, 0, kBoot);
  CHECK(s.server_offset_ms() == before.server_offset_ms());
}

TEST_CASE("a clock set right since the last sync is seen at once on the same boot", "[unit][clock]") {
  store::SyncState s;
  RecordServerClock(s, kServer, kServer + 2 * kHour, kServer + 2 * kHour, 0, kBoot);
  CHECK(AllowedSkewMs(s) == kDefaultMaxClockSkewMs);
  // 10 minutes later by the boot clock, the wall clock now reads the right time.
  const BootTime later{kBoot.ms + 600'000, kBoot.id};
  auto e = EstimateClock(s, kServer + 600'000, later);
  REQUIRE(e.has_value());
  CHECK(e->ahead_ms == 0);
  CHECK_FALSE(e->off());
  CHECK_FALSE(ClockWarning(s, kServer + 600'000, later).has_value());
  // Still fast 10 minutes later: warned, in plain words.
  auto w = ClockWarning(s, kServer + 600'000 + 2 * kHour, later);
  REQUIRE(w.has_value());
  CHECK(w->find("2 h 0 min ahead") != std::string::npos);
  CHECK(w->find("5 min 0 s") != std::string::npos);
  // After a reboot the boot clock says nothing: the offset as measured.
  e = EstimateClock(s, kServer + 600'000, BootTime{10, "boot-b"});
  REQUIRE(e.has_value());
  CHECK(e->ahead_ms == static_cast<int64_t>(2 * kHour));
}

TEST_CASE("a slow clock is warned about too", "[unit][clock]") {
  store::SyncState s;
  RecordServerClock(s, kServer, kServer - kHour, kServer - kHour, 0, kBoot);
  auto w = ClockWarning(s, kServer - kHour, kBoot);
  REQUIRE(w.has_value());
  CHECK(w->find("1 h 0 min behind") != std::string::npos);
  CHECK(DurationText(42'000) == "42 s");
  CHECK(DurationText(61'000) == "1 min 1 s");
  CHECK(DurationText(7'199'980) == "2 h 0 min");
  CHECK(DurationText(5'400'000) == "1 h 30 min");
}

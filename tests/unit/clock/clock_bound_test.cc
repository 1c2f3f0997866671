// The server's clamp of fast stamps (server/ingest/clock_bound.h), what
// `devices` makes of a device's clock and queue (server/admin/device_view.h),
// and the client's bounded hybrid logical clock (common/clock/hlc.h).
#include <catch2/catch.hpp>

#include <limits>

#include "common/clock/hlc.h"
#include "server/admin/device_view.h"
#include "server/ingest/clock_bound.h"

using namespace wardsync;
using namespace wardsync::server;

namespace {
constexpr uint64_t kT0 = 1'790'000'000'000;
constexpr uint64_t kSkew = 5 * 60 * 1000;
constexpr uint64_t kHour = 3600 * 1000;
}  // namespace

TEST_CASE("a stamp beyond received + skew is clamped, keeping its logical part and the signed stamp", "[unit][clock]") {
  const uint64_t signed_hlc = HybridLogicalClock::Make(kT0 + 2 * kHour, 42);
  const BoundedHlc b = BoundHlc(signed_hlc, kT0, kSkew);
  CHECK(b.clamped());
  CHECK(HybridLogicalClock::PhysicalMs(b.hlc) == kT0 + kSkew);
  CHECK(HybridLogicalClock::Logical(b.hlc) == 42);
  CHECK(b.device_hlc == signed_hlc);
  CHECK(b.lead_ms == 2 * kHour);

  records::Stamp stamp;
  SetStampHlc(stamp, b);
  CHECK(stamp.hlc() == b.hlc);
  CHECK(stamp.device_hlc() == signed_hlc);

  store::Device d;
  NoteStampSkew(d, b, kT0);
  CHECK(d.max_clock_skew_ms() == static_cast<int64_t>(2 * kHour));
  CHECK(d.skew_seen_ms() == kT0);
}

TEST_CASE("a stamp at or within the bound, or behind, is kept as signed", "[unit][clock]") {
  for (uint64_t ms : {kT0 - kHour, kT0, kT0 + 1, kT0 + kSkew}) {
    const uint64_t signed_hlc = HybridLogicalClock::Make(ms, 0xffff);
    const BoundedHlc b = BoundHlc(signed_hlc, kT0, kSkew);
    CHECK_FALSE(b.clamped());
    CHECK(b.hlc == signed_hlc);
    records::Stamp stamp;
    stamp.set_device_hlc(123);  // a stale value is cleared
    SetStampHlc(stamp, b);
    CHECK(stamp.hlc() == signed_hlc);
    CHECK(stamp.device_hlc() == 0);
    store::Device d;
    NoteStampSkew(d, b, kT0);
    CHECK(d.skew_seen_ms() == 0);
  }
  // One millisecond past the bound is clamped.
  CHECK(BoundHlc(HybridLogicalClock::Make(kT0 + kSkew + 1, 0), kT0, kSkew).clamped());
}

TEST_CASE("a clamped stamp orders below an honest stamp made after the bound", "[unit][clock]") {
  const BoundedHlc fast = BoundHlc(HybridLogicalClock::Make(kT0 + 2 * kHour, 0xffff), kT0, kSkew);
  const uint64_t honest_after = HybridLogicalClock::Make(kT0 + kSkew + 1, 0);
  const uint64_t honest_before = HybridLogicalClock::Make(kT0 + kSkew - 1, 0);
  CHECK(honest_after > fast.hlc);
  CHECK(honest_before < fast.hlc);
}

TEST_CASE("--max-clock-skew-s is refused outside 1 s .. 1 day", "[unit][clock]") {
  CHECK_FALSE(CheckMaxClockSkewS(0).ok());
  CHECK(CheckMaxClockSkewS(1).ok());
  CHECK(CheckMaxClockSkewS(300).ok());
  CHECK(CheckMaxClockSkewS(86400).ok());
  const Status s = CheckMaxClockSkewS(86401);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("--max-clock-skew-s") != std::string::npos);
  CHECK_FALSE(CheckMaxClockSkewS(UINT64_MAX).ok());
}

TEST_CASE("devices: pending is what the server has not accepted since the report", "[unit][clock]") {
  store::Device d;
  d.set_last_seq(10);
  auto* rep = d.mutable_last_report();
  rep->set_queue_depth(4);          // at the hello: seqs 7..10 pending
  rep->set_oldest_pending_ms(5000);
  rep->set_last_seq(10);
  auto v = ViewDevice(d, kSkew);
  CHECK(v.pending == 0);            // all accepted since: not the stale 4
  CHECK(v.oldest_pending_ms == 0);

  d.set_last_seq(8);                // two of them still not accepted
  v = ViewDevice(d, kSkew);
  CHECK(v.pending == 2);
  CHECK(v.oldest_pending_ms == 5000);

  rep->clear_last_seq();            // an older client: as reported
  v = ViewDevice(d, kSkew);
  CHECK(v.pending == 4);
}

TEST_CASE("devices: the clock is flagged beyond the allowed skew, either way", "[unit][clock]") {
  store::Device d;
  d.set_clock_skew_ms(static_cast<int64_t>(2 * kHour) + 400);
  auto v = ViewDevice(d, kSkew);
  CHECK(v.clock_skew_s == 7200);
  CHECK(v.clock_off);
  d.set_clock_skew_ms(-static_cast<int64_t>(kSkew) - 1);
  v = ViewDevice(d, kSkew);
  CHECK(v.clock_skew_s == -300);
  CHECK(v.clock_off);
  d.set_clock_skew_ms(static_cast<int64_t>(kSkew));
  CHECK_FALSE(ViewDevice(d, kSkew).clock_off);
  CHECK(ViewDevice(d, kSkew).clamped_at_ms == 0);
  d.set_max_clock_skew_ms(static_cast<int64_t>(2 * kHour));
  d.set_skew_seen_ms(kT0);
  v = ViewDevice(d, kSkew);
  CHECK(v.clamped_lead_s == 7200);
  CHECK(v.clamped_at_ms == kT0);
}

TEST_CASE("a bounded HLC set right after running fast comes back to the wall clock + bound", "[unit][clock]") {
  ManualClock wall(kT0);
  // The state a device keeps after stamping while its clock was 2 hours fast.
  HybridLogicalClock hlc(wall, HybridLogicalClock::Make(kT0 + 2 * kHour, 3));
  // Unbounded: stuck 2 hours ahead.
  CHECK(HybridLogicalClock::PhysicalMs(hlc.Now()) == kT0 + 2 * kHour);
  hlc.BoundAhead(kSkew);
  const uint64_t first = hlc.Now();
  CHECK(HybridLogicalClock::PhysicalMs(first) == kT0 + kSkew);
  // Still monotonic from there, and back on the wall clock once it passes.
  CHECK(hlc.Now() > first);
  wall.Advance(kSkew + 1000);
  CHECK(HybridLogicalClock::PhysicalMs(hlc.Now()) == kT0 + kSkew + 1000);
  // Observing a pulled stamp within the bound still moves it forward.
  hlc.Observe(HybridLogicalClock::Make(wall.NowMs() + 60 * 1000, 0));
  CHECK(HybridLogicalClock::PhysicalMs(hlc.Now()) == wall.NowMs() + 60 * 1000);
}

TEST_CASE("a reported clock at either end of int64 gives a saturated skew, never an overflowed one", "[unit][clock]") {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const uint64_t now = 1'795'000'000'000;
  CHECK(ClockSkewMs(kMin, now) == kMin);
  CHECK(ClockSkewMs(kMax, 0) == kMax);
  CHECK(ClockSkewMs(static_cast<int64_t>(now) + 7'200'000, now) == 7'200'000);
  wardsync::store::Device d;
  d.set_clock_skew_ms(kMax);
  DeviceView v = ViewDevice(d, 300'000);
  CHECK(v.clock_skew_s == kMax / 1000 + 1);  // to the nearest second; wrapped, it showed a huge negative skew
  CHECK(v.clock_off);
  d.set_clock_skew_ms(kMin);
  v = ViewDevice(d, 300'000);
  CHECK(v.clock_skew_s == kMin / 1000 - 1);
  CHECK(v.clock_off);
  d.set_max_clock_skew_ms(kMax);
  d.set_skew_seen_ms(now);
  CHECK(ViewDevice(d, 300'000).clamped_lead_s == static_cast<uint64_t>(kMax) / 1000 + 1);
}

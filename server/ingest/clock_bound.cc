#include "server/ingest/clock_bound.h"

#include <limits>

#include <string>

#include "common/clock/hlc.h"

namespace wardsync::server {

Status CheckMaxClockSkewS(uint64_t seconds) {
  if (seconds < kMinClockSkewS || seconds > kMaxClockSkewS) {
    return Status::Invalid("--max-clock-skew-s must be between " + std::to_string(kMinClockSkewS) + " and " +
                           std::to_string(kMaxClockSkewS) + " (one day), got " + std::to_string(seconds));
  }
  return Status::Ok();
}

BoundedHlc BoundHlc(uint64_t hlc, uint64_t received_ms, uint64_t max_skew_ms) {
  BoundedHlc b;
  b.hlc = hlc;
  const uint64_t stamp_ms = HybridLogicalClock::PhysicalMs(hlc);
  if (stamp_ms > received_ms) b.lead_ms = stamp_ms - received_ms;
  const uint64_t limit_ms = received_ms + max_skew_ms;
  if (stamp_ms > limit_ms) {
    b.hlc = HybridLogicalClock::Make(limit_ms, HybridLogicalClock::Logical(hlc));
    b.device_hlc = hlc;
  }
  return b;
}

void SetStampHlc(wardsync::records::Stamp& stamp, const BoundedHlc& bounded) {
  stamp.set_hlc(bounded.hlc);
  if (bounded.clamped()) stamp.set_device_hlc(bounded.device_hlc);
  else stamp.clear_device_hlc();
}

int64_t ClockSkewMs(int64_t device_clock_ms, uint64_t server_now_ms) {
  const __int128 d = static_cast<__int128>(device_clock_ms) - static_cast<__int128>(server_now_ms);
  if (d > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (d < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

void NoteStampSkew(wardsync::store::Device& device, const BoundedHlc& bounded, uint64_t received_ms) {
  if (!bounded.clamped()) return;
  device.set_max_clock_skew_ms(static_cast<int64_t>(bounded.lead_ms));
  device.set_skew_seen_ms(received_ms);
}

}  // namespace wardsync::server

#include "server/admin/device_view.h"

namespace wardsync::server {

DeviceView ViewDevice(const wardsync::store::Device& d, uint64_t max_clock_skew_ms) {
  DeviceView v;
  const auto& rep = d.last_report();
  if (rep.last_seq() != 0) {
    v.pending = rep.last_seq() > d.last_seq() ? rep.last_seq() - d.last_seq() : 0;
  } else {
    v.pending = rep.queue_depth();
  }
  v.oldest_pending_ms = v.pending ? rep.oldest_pending_ms() : 0;
  // In 128 bits: a stored skew may be anything a device reported (INT64_MIN
  // negated, or INT64_MAX + 500, would overflow and show a wrong sign).
  const __int128 skew = d.clock_skew_ms();
  v.clock_skew_s = static_cast<int64_t>((skew + (skew < 0 ? -500 : 500)) / 1000);  // to the nearest second
  const __int128 magnitude = skew < 0 ? -skew : skew;
  v.clock_off = magnitude > static_cast<__int128>(max_clock_skew_ms);
  if (d.skew_seen_ms() != 0) {
    v.clamped_lead_s = static_cast<uint64_t>(
        (static_cast<__int128>(d.max_clock_skew_ms() > 0 ? d.max_clock_skew_ms() : 0) + 500) / 1000);
    v.clamped_at_ms = d.skew_seen_ms();
  }
  return v;
}

}  // namespace wardsync::server

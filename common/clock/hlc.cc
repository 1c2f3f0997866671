#include "common/clock/hlc.h"

namespace wardsync {

uint64_t HybridLogicalClock::Now() {
  const uint64_t now_ms = clock_.NowMs();
  uint64_t wall = Make(now_ms, 0);
  if (max_ahead_ms_ != 0 && PhysicalMs(last_) > now_ms + max_ahead_ms_) last_ = Make(now_ms + max_ahead_ms_, 0);
  // Past the wall clock: keep the physical part and count on.
  last_ = wall > last_ ? wall : last_ + 1;
  return last_;
}

void HybridLogicalClock::Observe(uint64_t remote) {
  if (remote > last_) last_ = remote;
}

}  // namespace wardsync

#include "common/clock/hlc.h"

namespace wardsync {

uint64_t HybridLogicalClock::Now() {
  uint64_t wall = Make(clock_.NowMs(), 0);
  // Past the wall clock: keep the physical part and count on.
  last_ = wall > last_ ? wall : last_ + 1;
  return last_;
}

void HybridLogicalClock::Observe(uint64_t remote) {
  if (remote > last_) last_ = remote;
}

}  // namespace wardsync

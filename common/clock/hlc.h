// Hybrid logical clock (Kulkarni et al.): a 64-bit stamp, physical
// milliseconds in the high 48 bits and a logical counter in the low 16.
// Stamps only grow, survive a wall clock that steps back, and absorb every
// stamp seen from elsewhere, so causally later edits carry larger stamps.
#pragma once
#include <cstdint>

#include "common/clock/clock.h"

namespace wardsync {

class HybridLogicalClock {
 public:
  HybridLogicalClock(const Clock& clock, uint64_t last = 0) : clock_(clock), last_(last) {}

  // A new stamp for a local event.
  uint64_t Now();
  // Absorb a stamp received from elsewhere (pulled records, server time).
  void Observe(uint64_t remote);
  uint64_t last() const { return last_; }
  // Never stamp more than `ms` ahead of the wall clock (0: no bound): a
  // stamp carried further ahead (this device's clock was fast and has been
  // set right since) is pulled back to wall + ms. See
  // client/sync/clock_offset.h for why this is safe.
  void BoundAhead(uint64_t ms) { max_ahead_ms_ = ms; }

  static uint64_t Make(uint64_t ms, uint16_t logical) { return (ms << 16) | logical; }
  static uint64_t PhysicalMs(uint64_t stamp) { return stamp >> 16; }
  static uint16_t Logical(uint64_t stamp) { return static_cast<uint16_t>(stamp & 0xffff); }

 private:
  const Clock& clock_;
  uint64_t last_;
  uint64_t max_ahead_ms_ = 0;
};

}  // namespace wardsync

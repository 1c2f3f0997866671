// Exponential backoff with full jitter (AWS architecture blog, "Exponential
// Backoff And Jitter"): after the n-th consecutive failure wait a uniformly
// random time in [0, min(cap, base * 2^n)]. Jitter spreads a fleet that lost
// the server at the same moment, so its return is not a retry storm.
#pragma once
#include <cstdint>
#include <random>

namespace wardsync::client {

class Backoff {
 public:
  Backoff(uint64_t base_ms, uint64_t cap_ms, uint64_t seed = std::random_device{}())
      : base_ms_(base_ms), cap_ms_(cap_ms), rng_(seed) {}

  // The delay before the next attempt after one more failure.
  uint64_t NextDelayMs() {
    uint64_t ceiling = Ceiling();
    if (failures_ < 63) ++failures_;
    std::uniform_int_distribution<uint64_t> dist(ceiling / 10, ceiling);  // never 0: never spin
    return dist(rng_);
  }
  // The upper bound the next failure will draw from.
  uint64_t Ceiling() const {
    uint64_t c = base_ms_;
    for (uint32_t i = 0; i < failures_ && c < cap_ms_; ++i) c *= 2;
    return c < cap_ms_ ? c : cap_ms_;
  }
  void Reset() { failures_ = 0; }
  uint32_t failures() const { return failures_; }

 private:
  uint64_t base_ms_;
  uint64_t cap_ms_;
  uint32_t failures_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace wardsync::client

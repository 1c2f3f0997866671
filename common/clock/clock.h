// Injectable wall clock: production uses SystemClock, tests a manual one.
#pragma once
#include <chrono>
#include <cstdint>

namespace wardsync {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t NowMs() const = 0;   // milliseconds since the Unix epoch
};

class SystemClock : public Clock {
 public:
  uint64_t NowMs() const override {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  }
};

class ManualClock : public Clock {
 public:
  explicit ManualClock(uint64_t now_ms = 1'700'000'000'000) : now_(now_ms) {}
  uint64_t NowMs() const override { return now_; }
  void Set(uint64_t ms) { now_ = ms; }
  void Advance(uint64_t ms) { now_ += ms; }

 private:
  uint64_t now_;
};

}  // namespace wardsync

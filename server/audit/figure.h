// A figure of `report` that is a sum of officers' counts (invited, attended,
// agree...). Each count is a valid int64 on its own, but a few absurd ones
// add up past 2^64: unsigned arithmetic would wrap and quietly lower the
// city's total (3,270 invited became 2,270). A Figure checks every addition;
// once a sum overflows it stays overflowed and is shown as such, never as a
// number.
#pragma once
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>

namespace wardsync::server::audit {

class Figure {
 public:
  Figure() = default;
  Figure& operator+=(uint64_t n) {
    if (!overflow_ && __builtin_add_overflow(value_, n, &value_)) overflow_ = true;
    return *this;
  }
  Figure& operator+=(const Figure& o) {
    overflow_ = overflow_ || o.overflow_;
    return *this += o.value_;
  }
  bool overflow() const { return overflow_; }
  // The sum; meaningless once overflow() (never shown then).
  uint64_t value() const { return value_; }
  // The number, or "OVERFLOW" (the sum exceeds 18446744073709551615).
  std::string Text() const { return overflow_ ? "OVERFLOW" : std::to_string(value_); }

  friend bool operator==(const Figure& a, uint64_t b) { return !a.overflow_ && a.value_ == b; }
  friend std::ostream& operator<<(std::ostream& out, const Figure& f) { return out << f.Text(); }

 private:
  uint64_t value_ = 0;
  bool overflow_ = false;
};

}  // namespace wardsync::server::audit

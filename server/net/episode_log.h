// Logs a repeating event once per episode with a count, not once per
// occurrence: the first occurrence is logged at once, later ones are counted
// and summed up in one line when the episode ends (the next occurrence after
// a quiet `gap`, or End()). An accept loop failing with EMFILE 80,000 times
// a second wrote 663,000 log lines in 8 s (issue 10); this writes two.
// Not thread-safe: one owner (the accept strand).
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include "common/util/log.h"

namespace wardsync::server {

class EpisodeLog {
 public:
  using Clock = std::chrono::steady_clock;
  EpisodeLog(std::string what, std::chrono::milliseconds gap) : what_(std::move(what)), gap_(gap) {}

  void Note(const std::string& detail, Clock::time_point now = Clock::now()) {
    if (count_ > 0 && now - last_ > gap_) End();
    if (count_ == 0) {
      util::LogLine(what_ + ": " + detail + " (further ones counted, not logged, until it stops)");
      first_ = now;
    }
    ++count_;
    last_ = now;
  }
  // Ends an open episode with its summary line.
  void End() {
    if (count_ == 0) return;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(last_ - first_).count();
    util::LogLine(what_ + ": " + std::to_string(count_) + " in " + std::to_string(ms) + " ms, now stopped");
    count_ = 0;
  }
  bool open() const { return count_ > 0; }

 private:
  std::string what_;
  std::chrono::milliseconds gap_;
  uint64_t count_ = 0;
  Clock::time_point first_, last_;
};

}  // namespace wardsync::server

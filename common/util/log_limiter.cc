#include "common/util/log_limiter.h"

#include "common/util/log.h"
#include "common/util/log_text.h"

namespace wardsync::util {

bool LogLimiter::Allow(const std::string& source, Clock::time_point now, std::optional<std::string>* note) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = source;
  if (buckets_.size() >= max_sources_ && buckets_.count(key) == 0) {
    // Forget sources whose window is over (nothing of theirs is pending but
    // a count of dropped lines, which is said now so it is not lost).
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      if (now - it->second.start >= window_ && it->second.dropped == 0) it = buckets_.erase(it);
      else ++it;
    }
    if (buckets_.size() >= max_sources_) key = "(other sources)";
  }
  Bucket& b = buckets_[key];
  if (b.used == 0 && b.dropped == 0) b.start = now;
  if (now - b.start >= window_) {
    b.start = now;
    b.used = 0;
  }
  if (b.used >= lines_) {
    ++b.dropped;
    return false;
  }
  ++b.used;
  if (b.dropped > 0) {
    *note = "suppressed " + std::to_string(b.dropped) + " log line(s) from " + LogText(key) +
            " (over " + std::to_string(lines_) + " lines per " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(window_).count()) + " s)";
    b.dropped = 0;
  }
  return true;
}

void LogLimiter::Log(const std::string& source, const std::string& text) {
  std::optional<std::string> note;
  if (!Allow(source, Clock::now(), &note)) return;
  if (note) LogLine(*note);
  LogLine(text);
}

}  // namespace wardsync::util

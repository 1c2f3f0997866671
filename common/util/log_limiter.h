// Rate limit of log lines per source (a peer address before a device is
// authenticated, the device after), so one client cannot flood the log: at
// most `lines` lines per `window` from one source; the rest are dropped and
// counted, and the next line let through from that source is preceded by
// one "suppressed N log lines from SOURCE" note. Memory is bounded: at most
// `max_sources` sources are tracked; beyond that, new sources share one
// budget ("other sources"). Thread-safe.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace wardsync::util {

class LogLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  LogLimiter(size_t lines, Clock::duration window, size_t max_sources = 4096)
      : lines_(lines), window_(window), max_sources_(max_sources) {}

  // Whether a line from `source` may be logged at `now`. When it may and
  // lines of that source were dropped before, *note says how many.
  bool Allow(const std::string& source, Clock::time_point now, std::optional<std::string>* note);

  // Logs `text` (util::LogLine) unless `source` is over its budget.
  void Log(const std::string& source, const std::string& text);

 private:
  struct Bucket {
    Clock::time_point start;
    size_t used = 0;
    uint64_t dropped = 0;
  };
  const size_t lines_;
  const Clock::duration window_;
  const size_t max_sources_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace wardsync::util

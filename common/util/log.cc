#include "common/util/log.h"

#include "common/util/log_text.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace wardsync::util {

void LogLine(std::string_view text) {
  static std::mutex mu;  // guards stderr only; not state
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  // One record, one line, bounded: a control byte anywhere (a client string
  // a caller forgot to pass through LogText) is escaped here, and a line is
  // cut at kMaxLineBytes.
  constexpr size_t kMaxLineBytes = 4096;
  bool plain = text.size() <= kMaxLineBytes;
  for (char c : text) plain = plain && static_cast<unsigned char>(c) >= 0x20 && c != 0x7F;
  std::string line = std::string(stamp) + " " + (plain ? std::string(text) : LogText(text, kMaxLineBytes)) + "\n";
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace wardsync::util

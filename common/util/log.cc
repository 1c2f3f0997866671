#include "common/util/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <utility>

#include "common/util/json_writer.h"
#include "common/util/log_text.h"

namespace wardsync::util {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};  // configuration of stderr, not state

std::string Stamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return stamp;
}

// One record, one line, bounded: in text, a control byte anywhere (a client
// string a caller forgot to pass through LogText) is escaped here and the
// line is cut at kMaxLineBytes. A JSON line is escaped by the JSON writer.
std::string Bounded(std::string line) {
  constexpr size_t kMaxLineBytes = 4096;
  bool plain = line.size() <= kMaxLineBytes;
  for (char c : line) plain = plain && static_cast<unsigned char>(c) >= 0x20 && c != 0x7F;
  return plain ? line : LogText(line, kMaxLineBytes);
}

void Write(std::string line) {
  static std::mutex mu;  // guards stderr only; not state
  if (g_format.load() == LogFormat::kText) line = Bounded(std::move(line));
  line += '\n';
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

std::string ValueText(const LogField& f) {
  if (auto* s = std::get_if<std::string>(&f.value)) return *s;
  if (auto* u = std::get_if<uint64_t>(&f.value)) return std::to_string(*u);
  return std::to_string(std::get<int64_t>(f.value));
}

}  // namespace

void SetLogFormat(LogFormat format) { g_format.store(format); }

bool ParseLogFormat(std::string_view name, LogFormat* format) {
  if (name == "text") *format = LogFormat::kText;
  else if (name == "json") *format = LogFormat::kJson;
  else return false;
  return true;
}

std::string FormatLogLine(LogFormat format, std::string_view stamp, std::string_view msg,
                          std::initializer_list<LogField> fields) {
  if (format == LogFormat::kText) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) on the
    // operator+ chain of string_views.
    std::string line(stamp);
    line += ' ';
    line.append(msg);
    for (const auto& f : fields) {
      line += ' ';
      line.append(f.key);
      line += '=';
      line += ValueText(f);
    }
    return line;
  }
  JsonWriter w;
  w.BeginObject().Key("ts").String(stamp).Key("msg").String(msg);
  for (const auto& f : fields) {
    w.Key(f.key);
    if (auto* s = std::get_if<std::string>(&f.value)) w.String(*s);
    else if (auto* u = std::get_if<uint64_t>(&f.value)) w.Uint(*u);
    else w.Int(std::get<int64_t>(f.value));
  }
  w.EndObject();
  return w.str();
}

void LogLine(std::string_view text) { Write(FormatLogLine(g_format.load(), Stamp(), text, {})); }

void LogEvent(std::string_view msg, std::initializer_list<LogField> fields) {
  Write(FormatLogLine(g_format.load(), Stamp(), msg, fields));
}

}  // namespace wardsync::util

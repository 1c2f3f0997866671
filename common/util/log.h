// One-line log records on stderr. Lines from many threads never interleave.
//   text (default): "2026-11-25T10:00:00.123Z sync device=D ward=W in=3"
//   json:           {"ts":"2026-11-25T10:00:00.123Z","msg":"sync","device":"D","ward":"W","in":3}
// A LogEvent's fields are key=value in text and members in JSON (numbers as
// JSON numbers); a LogLine is its text alone ("msg" in JSON).
// A text line is always one line of at most 4 KiB: control bytes are escaped
// (log_text.h); JSON escapes them itself. Client-supplied strings should
// still go through LogText, which cuts them much shorter.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace wardsync::util {

enum class LogFormat { kText, kJson };

// Process-wide, like stderr itself: set once by `wardsync-server run
// --log-format` before it starts any thread (the default is text).
void SetLogFormat(LogFormat format);
// "text" or "json"; false for anything else.
bool ParseLogFormat(std::string_view name, LogFormat* format);

struct LogField {
  std::string_view key;  // not "ts" or "msg"
  std::variant<std::string, uint64_t, int64_t> value;
};

void LogLine(std::string_view text);
void LogEvent(std::string_view msg, std::initializer_list<LogField> fields);

// The line without its newline, for a given time stamp (tests check both
// formats through this).
std::string FormatLogLine(LogFormat format, std::string_view stamp, std::string_view msg,
                          std::initializer_list<LogField> fields);

}  // namespace wardsync::util

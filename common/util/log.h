// One-line log records on stderr: "2026-11-25T10:00:00.123Z <text>".
// Lines from many threads never interleave.
#pragma once
#include <string_view>

namespace wardsync::util {
void LogLine(std::string_view text);
}

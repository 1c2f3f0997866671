// One-line log records on stderr: "2026-11-25T10:00:00.123Z <text>".
// Lines from many threads never interleave. A line is always one line of at
// most 4 KiB: control bytes are escaped (log_text.h). Client-supplied
// strings should still go through LogText, which cuts them much shorter.
#pragma once
#include <string_view>

namespace wardsync::util {
void LogLine(std::string_view text);
}

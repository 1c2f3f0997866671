// Text that came from a client (a device id, an officer's name or notes, a
// label, a reason) shown in a log line or on a terminal. Such text may hold
// a newline that plants a fake log line, terminal escape codes that rewrite
// the administrator's screen, or megabytes. Every such string goes through
// here before it is shown.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace wardsync::util {

// `text` with every byte that is not printable made visible: C0 controls
// and DEL as \n, \t, \r, \e or \xNN, the C1 controls U+0080..U+009F as
// \u0080..\u009f, invalid UTF-8 bytes as \xNN, and the backslash as \\.
// Printable UTF-8 (Vietnamese names) is kept as it is. With `keep_lines`
// newline and tab stay as they are (a terminal page of several lines).
std::string Escaped(std::string_view text, bool keep_lines = false);

// For a log line: Escaped, and cut after `max_bytes` bytes of `text` with
// the number of bytes left out ("...(+7340032 bytes)"), so one client cannot
// grow the log by more than a bounded amount per line.
std::string LogText(std::string_view text, size_t max_bytes = 64);

}  // namespace wardsync::util

// JSON string output shared by value output and every --json printer, so all
// of them escape the same way.
#pragma once
#include <string>
#include <string_view>

namespace wardsync::forms_util {

// Appends s as a quoted JSON string. Valid UTF-8 passes through unescaped
// (JSON is UTF-8); '"', '\\' and control characters are escaped, as are
// U+2028/U+2029 (line breaks to JavaScript). Bytes that are not valid UTF-8
// become U+FFFD so the output is always valid JSON.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace wardsync::forms_util

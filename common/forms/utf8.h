// Strict UTF-8 decoding: the one definition of "valid text" and "length in
// characters" used by form validation and JSON output, so a text the client
// accepts is never refused by the server for a different counting rule.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace wardsync::forms_util {

// Decodes the code point starting at s[*pos] and advances *pos past it.
// Returns false (and leaves *pos alone) on an invalid, overlong, surrogate or
// truncated sequence, or when *pos is at the end.
bool NextCodePoint(std::string_view s, size_t* pos, char32_t* cp);

bool IsValidUtf8(std::string_view s);

// Number of code points, or nullopt when s is not valid UTF-8.
std::optional<size_t> Utf8Length(std::string_view s);

}  // namespace wardsync::forms_util

#include "common/forms/utf8.h"

namespace wardsync::forms_util {

bool NextCodePoint(std::string_view s, size_t* pos, char32_t* cp) {
  size_t i = *pos;
  if (i >= s.size()) return false;
  unsigned char b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *cp = b0;
    *pos = i + 1;
    return true;
  }
  size_t len;
  char32_t c;
  char32_t min;  // smallest code point this length may encode (no overlongs)
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, c = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, c = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, c = b0 & 0x07, min = 0x10000;
  } else {
    return false;  // continuation byte or 0xF8..0xFF as a lead byte
  }
  if (s.size() - i < len) return false;
  for (size_t k = 1; k < len; ++k) {
    unsigned char b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return false;
    c = (c << 6) | (b & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
  *cp = c;
  *pos = i + len;
  return true;
}

std::optional<size_t> Utf8Length(std::string_view s) {
  size_t pos = 0;
  size_t n = 0;
  char32_t cp;
  while (pos < s.size()) {
    if (!NextCodePoint(s, &pos, &cp)) return std::nullopt;
    ++n;
  }
  return n;
}

bool IsValidUtf8(std::string_view s) { return Utf8Length(s).has_value(); }

}  // namespace wardsync::forms_util

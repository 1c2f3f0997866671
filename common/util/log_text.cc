#include "common/util/log_text.h"

#include <cstdio>

namespace wardsync::util {
namespace {

// Length of the valid UTF-8 sequence starting at s[i] (a shortest form, no
// surrogates, at most U+10FFFF), or 0 if it is not one.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void Hex(std::string& out, const char* prefix, unsigned v, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s%0*x", prefix, digits, v);
  out += buf;
}

}  // namespace

std::string Escaped(std::string_view text, bool keep_lines) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      if (c == '\\' && !keep_lines) out += "\\\\";
      else out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x80 || c == 0x7F) {
      if ((c == '\n' || c == '\t') && keep_lines) out += static_cast<char>(c);
      else if (c == '\n') out += "\\n";
      else if (c == '\t') out += "\\t";
      else if (c == '\r') out += "\\r";
      else if (c == 0x1B) out += "\\e";
      else Hex(out, "\\x", c, 2);
      ++i;
      continue;
    }
    const size_t n = Utf8Length(text, i);
    if (n == 0) {
      Hex(out, "\\x", c, 2);
      ++i;
      continue;
    }
    // C1 controls (U+0080..U+009F, e.g. the 8-bit CSI U+009B) act like ESC on some terminals.
    if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      Hex(out, "\\u", static_cast<unsigned char>(text[i + 1]) & 0xFF, 4);
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string LogText(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return Escaped(text);
  size_t cut = max_bytes;
  // Do not split a UTF-8 sequence (it would show as \xNN bytes).
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80 && max_bytes - cut < 3) --cut;
  return Escaped(text.substr(0, cut)) + "...(+" + std::to_string(text.size() - cut) + " bytes)";
}

}  // namespace wardsync::util

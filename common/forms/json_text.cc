#include "common/forms/json_text.h"

#include "common/forms/utf8.h"

namespace wardsync::forms_util {
namespace {

void AppendUnicodeEscape(unsigned v, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(v >> shift) & 0xF]);
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    char32_t cp;
    if (!NextCodePoint(s, &pos, &cp)) {
      out->append("\\ufffd");
      pos = start + 1;  // resynchronise on the next byte
      continue;
    }
    switch (cp) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (cp < 0x20 || cp == 0x7F || cp == 0x2028 || cp == 0x2029) {
          AppendUnicodeEscape(static_cast<unsigned>(cp), out);
        } else {
          out->append(s.substr(start, pos - start));
        }
    }
  }
  out->push_back('"');
}

}  // namespace wardsync::forms_util

#include "common/forms/number_text.h"

#include <charconv>
#include <cmath>

namespace wardsync::forms_util {
namespace {

// from_chars takes '-' but not '+'; accept '+' as people type it.
std::string_view StripPlus(std::string_view text) {
  if (!text.empty() && text[0] == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text[0] == '-') return {};  // "+-1" is not a number
  }
  return text;
}

}  // namespace

std::optional<int64_t> ParseInt64(std::string_view text) {
  text = StripPlus(text);
  if (text.empty()) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseFiniteDouble(std::string_view text) {
  text = StripPlus(text);
  if (text.empty()) return std::nullopt;
  // Only digits, sign, '.', and an exponent: this keeps "inf", "nan" and hex
  // out before from_chars sees them.
  for (char c : text) {
    bool ok = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
    if (!ok) return std::nullopt;
  }
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string FormatDouble(double d) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  if (ec != std::errc()) return "nan";  // cannot happen with 64 bytes
  return std::string(buf, end);
}

}  // namespace wardsync::forms_util

#include "common/forms/calendar_date.h"

namespace wardsync::forms_util {
namespace {

bool Digits(std::string_view s, int* out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

bool IsCalendarDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int y, m, d;
  if (!Digits(text.substr(0, 4), &y) || !Digits(text.substr(5, 2), &m) || !Digits(text.substr(8, 2), &d)) {
    return false;
  }
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max_day = kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
  return d <= max_day;
}

}  // namespace wardsync::forms_util

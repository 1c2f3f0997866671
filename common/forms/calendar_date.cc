#include "common/forms/calendar_date.h"

#include <cstdio>

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

// Days from civil (H. Hinnant's algorithm, proleptic Gregorian calendar).
// Years are 1..9999 here, so every intermediate fits easily.
std::optional<int64_t> DayNumber(std::string_view date) {
  if (!IsCalendarDate(date)) return std::nullopt;
  int yi, mi, di;
  Digits(date.substr(0, 4), &yi);
  Digits(date.substr(5, 2), &mi);
  Digits(date.substr(8, 2), &di);
  int64_t y = yi;
  const int64_t m = mi, d = di;
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Civil from days (the same algorithm); the range check comes first, so the
// arithmetic below never sees a day it could overflow on.
std::optional<std::string> DateOfDay(int64_t z) {
  if (z < kFirstDayNumber || z > kLastDayNumber) return std::nullopt;
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp + (mp < 10 ? 3 : -9);
  const int64_t y = yoe + era * 400 + (m <= 2);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m), static_cast<int>(d));
  return std::string(buf);
}

}  // namespace wardsync::forms_util

// DATE values are plain "YYYY-MM-DD" strings on the wire; this is the one
// check that such a string names a real day of the Gregorian calendar.
#pragma once
#include <string_view>

namespace wardsync::forms_util {

// Exactly ten characters YYYY-MM-DD, year 0001..9999, and the day exists in
// that month (leap years included). No time zone, no other formats: records
// compare and sort dates as text, which only works with one spelling.
bool IsCalendarDate(std::string_view text);

}  // namespace wardsync::forms_util

// DATE values are plain "YYYY-MM-DD" strings on the wire; this is the one
// check that such a string names a real day of the Gregorian calendar, and
// the one conversion between such a day and a day number, shared by the
// form language's date arithmetic (expr/eval.cc) and the report's ages and
// deadlines (server/audit/report_complaints.cc).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wardsync::forms_util {

// Exactly ten characters YYYY-MM-DD, year 0001..9999, and the day exists in
// that month (leap years included). No time zone, no other formats: records
// compare and sort dates as text, which only works with one spelling.
bool IsCalendarDate(std::string_view text);

// Days since 1970-01-01 of a YYYY-MM-DD date in the proleptic Gregorian
// calendar (negative before 1970); nullopt if it is no real day.
std::optional<int64_t> DayNumber(std::string_view date);

// The day numbers of 0001-01-01 and 9999-12-31: the only days a DATE value
// can spell with four digits.
inline constexpr int64_t kFirstDayNumber = -719162;
inline constexpr int64_t kLastDayNumber = 2932896;

// The YYYY-MM-DD of a day number; nullopt outside kFirstDayNumber ..
// kLastDayNumber (a five-digit or negative year is no DATE value).
std::optional<std::string> DateOfDay(int64_t day);

}  // namespace wardsync::forms_util

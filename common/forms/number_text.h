// Locale-independent number text: parsing what an officer types and printing
// numbers the same way on every machine (strtod/printf follow the C locale,
// which would turn 2.5 into "2,5" under a Vietnamese locale).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wardsync::forms_util {

// Optional '+' or '-' then one or more ASCII digits, within int64. Nothing else
// (no spaces, no thousands separators).
std::optional<int64_t> ParseInt64(std::string_view text);

// Optional sign, decimal digits with an optional fraction and exponent
// ("2.5", "-1e3", ".5"). Refuses hex, "inf", "nan", out-of-range values and
// any trailing text.
std::optional<double> ParseFiniteDouble(std::string_view text);

// Shortest text that parses back to exactly d ("0.1", "3", "1e+300").
std::string FormatDouble(double d);

}  // namespace wardsync::forms_util

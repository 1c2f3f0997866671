// Field values as people type and read them: `--set NAME=VALUE` on the
// command line, plain-text listings, and JSON output.
#pragma once
#include <string>
#include <string_view>

#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/forms.pb.h"

namespace wardsync::forms_util {

// Parses text for one field of a form and then validates the result
// (ValidateValue), so what comes back can be stored as is.
//   INTEGER          optional sign and digits, within int64
//   DECIMAL          "2.5", "-1e3" ('.' as the decimal point; no inf/nan)
//   TEXT             as is; must be valid UTF-8
//   BOOLEAN          true/false, yes/no, 1/0, có/không (any letter case)
//   DATE             YYYY-MM-DD, a real calendar day
//   SINGLE_CHOICE    one choice value
//   MULTIPLE_CHOICE  comma-separated choice values, no repeats
// Errors name the form, the field and what was expected, e.g.
//   voter-meeting: field "invited": "abc" is not an integer
Result<wardsync::changes::Value> ParseValue(const wardsync::forms::FormDef& form,
                                            const wardsync::forms::FieldDef& field, std::string_view text);

// Plain text: integers as digits, decimals in the shortest form that reads
// back exactly, booleans true/false, choices comma-joined, "" when empty.
// ParseValue(FormatValue(v)) gives v back.
std::string FormatValue(const wardsync::changes::Value& value);

// A JSON value: number, string, true/false, array of strings for multiple
// choices, null when no kind is set (or for a non-finite decimal, which JSON
// cannot spell).
void AppendValueJson(const wardsync::changes::Value& value, std::string* out);

}  // namespace wardsync::forms_util

// The check of one value against its field definition (type, bounds,
// length, real date/time, known choices), as a Problem with code and
// English/Vietnamese text. validator.h builds on it.
#pragma once
#include <optional>
#include <string_view>

#include "common/forms/problem.h"
#include "proto/changes.pb.h"
#include "proto/forms.pb.h"

namespace wardsync::forms_util {

// `path`: the stored name the value is under (the field name, or
// "group[row].sub"), used in the messages.
std::optional<Problem> CheckValue(const wardsync::forms::FormDef& form, const wardsync::forms::FieldDef& field,
                                  std::string_view path, const wardsync::changes::Value& value);

// Builds a problem about one stored field: en/vi are the sentence after
// "<form>: field \"<path>\" " / "<form>: trường \"<path>\" ".
Problem FieldProblem(const wardsync::forms::FormDef& form, std::string_view path, std::string code,
                     std::vector<std::pair<std::string, std::string>> params, const std::string& en, const std::string& vi);

}  // namespace wardsync::forms_util

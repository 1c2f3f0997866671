// Checks a form definition or ward list on its own (no records involved).
// Both the pack loader and the registry run it, so a definition that reaches
// the validator is always well-formed, whether it came from a JSON file or
// over the wire.
#pragma once
#include <string_view>

#include "common/status.h"
#include "proto/forms.pb.h"

namespace wardsync::forms_util {

// origin (a file name, or "" for none) prefixes every message; the message
// then names the form, the field or rule, and what is wrong.
Status CheckFormDef(const wardsync::forms::FormDef& form, std::string_view origin);

// Ward ids unique and [a-z0-9-]+, names non-empty valid UTF-8.
Status CheckWardList(const wardsync::forms::WardList& wards, std::string_view origin);

// The id syntaxes, shared so tools can check an id before asking for it.
bool IsFormId(std::string_view s);    // [a-z0-9][a-z0-9-]*
bool IsFieldName(std::string_view s);  // [a-z][a-z0-9_]*
bool IsWardId(std::string_view s);     // [a-z0-9-]+
bool IsChoiceValue(std::string_view s);  // [a-z0-9][a-z0-9_-]*

}  // namespace wardsync::forms_util

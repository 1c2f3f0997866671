// Field values given as one JSON object (`wardsync new/edit --from-json`),
// turned into the NAME=VALUE texts --set takes, so both paths share every
// check and message (value_text.h ParseValue, validator.h).
//   {"invited": 120, "notes": "…", "held_on": "2021-04-10",
//    "tags": ["a", "b"],                       // MULTIPLE_CHOICE
//    "candidates": [{"_row": "r1", "votes": 10}, {"name": "…", "votes": 7}]}
// null clears a field. A repeat group is an array of row objects in the
// order they are shown; "_row" names an existing row (or picks the id of a
// new one), a row without it is new and gets a fresh id. Numbers are read as
// JSON numbers (beyond 2^53, write the integer as a string).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/forms/record_view.h"
#include "common/status.h"
#include "proto/forms.pb.h"

namespace wardsync::forms_util {

using NamedTexts = std::vector<std::pair<std::string, std::string>>;

// `current`: the record being edited (nullptr for a new one). For an edit
// only what differs from `current` is written (so two officers editing
// different rows of one group do not both rewrite every row), and the rows
// of a group given in the JSON replace its rows: a live row left out is
// removed. Errors name the form and the field.
Result<NamedTexts> JsonToFieldTexts(const wardsync::forms::FormDef& form, std::string_view json, const FieldMap* current);

}  // namespace wardsync::forms_util

// Every problem of an officer's form at once, each tied to the field(s) it
// concerns, so the page can show each message next to its input. It adds no
// rule of its own: values are read as `wardsync new/edit --from-json` reads
// them (forms_util::JsonToFieldTexts, ParseValue) and the record is judged
// by the one engine (forms_util::Evaluate), whose problems carry a stable
// code, parameters and English and Vietnamese text (brief decision 6).
// Capture runs the whole validation again before storing anything, so a
// form that passes here can still be refused there (e.g. a device that may
// not write records), and the page shows that message too.
#pragma once
#include <google/protobuf/struct.pb.h>

#include <string>
#include <utility>
#include <vector>

#include "common/forms/evaluation.h"
#include "common/forms/json_values.h"
#include "common/status.h"
#include "common/util/json_writer.h"
#include "proto/forms.pb.h"

namespace wardsync::client::ui {

struct FieldProblem {
  std::vector<std::string> fields;  // one path, or every path a broken rule names ("" paths never)
  std::string kind;                 // "required", "value" or "rule" (what the page's fallback text keys on)
  std::string code;                 // the engine's stable code (forms/README.md), "bad_value" for unreadable text
  std::vector<std::pair<std::string, std::string>> params;
  std::string en, vi;               // the sentence in each language
  std::string label;                // a rule's explanation from the form pack (Vietnamese), if any
};

struct CheckedForm {
  forms_util::FieldMap fields;          // the values that could be read, typed
  forms_util::FormEvaluation evaluation;  // of `fields`
  std::vector<FieldProblem> problems;   // unreadable values first, then the evaluation's
};

// The page's {"values": {...}} object as the NAME=VALUE texts --from-json
// makes of it (a GROUP: an array of row objects with "_row"). `current`: the
// record being edited (only what differs from it is returned; rows left out
// are removed), nullptr for the whole record as typed.
Result<forms_util::NamedTexts> ValueTexts(const wardsync::forms::FormDef& form, const google::protobuf::Struct& values,
                                          const forms_util::FieldMap* current);

// The stored fields of `current` whose top-level field the page did not
// send: an edit keeps them (a hidden, non-relevant field is not sent).
forms_util::FieldMap KeptFields(const forms_util::FieldMap& current, const google::protobuf::Struct& values);

// `base` (fields kept from the stored record, or empty) with `texts` (the
// whole record's typed texts, as ValueTexts(..., nullptr) gives them) read
// and evaluated.
CheckedForm CheckFields(const wardsync::forms::FormDef& form, forms_util::FieldMap base,
                        const forms_util::NamedTexts& texts);

// [{fields, kind, code, params, message, label, text: {en, vi}}, ...]
void WriteProblems(const std::vector<FieldProblem>& problems, util::JsonWriter& w);

}  // namespace wardsync::client::ui

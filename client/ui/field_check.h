// Every problem of an officer's form at once, each tied to the field(s) it
// concerns, so the page can show each message next to its input. It adds no
// rule of its own: each check is a call of the one validator
// (common/forms: ParseValue, ValidateRecordFields) on one field or one rule
// at a time. Capture then runs the whole validation again before storing
// anything, so a form that passes here can still be refused there (e.g. a
// device that may not write records), and the page shows that message too.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "proto/forms.pb.h"

namespace wardsync::client::ui {

struct FieldProblem {
  std::vector<std::string> fields;  // one field, or every field a broken rule names
  std::string kind;                 // "required", "value" or "rule"
  std::string message;              // the validator's words
  std::string label;                // a rule's explanation from the form pack (Vietnamese), if any
};

// `values`: the whole record as typed (field name -> text as ParseValue reads
// it; "" = empty). Names that are not fields of the form are the caller's to
// refuse first (UnknownField).
std::vector<FieldProblem> CheckFields(const wardsync::forms::FormDef& form,
                                      const std::map<std::string, std::string>& values);

// The first name in `values` that is not a field of `form`, or "".
std::string UnknownField(const wardsync::forms::FormDef& form, const std::map<std::string, std::string>& values);

}  // namespace wardsync::client::ui

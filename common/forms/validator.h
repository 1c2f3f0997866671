// The one validation of record data against a form definition. The client
// runs it before storing an officer's input and the server before accepting
// a change, so both refuse exactly the same things with the same words.
// Messages start with the form id and name the field or rule at fault.
#pragma once
#include <google/protobuf/map.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/forms.pb.h"
#include "proto/records.pb.h"

namespace wardsync::forms_util {

// A value that says nothing: no kind set, empty text, or an empty choice
// list. Such a value does not satisfy a required field.
bool IsEmptyValue(const wardsync::changes::Value& value);

// The value's kind matches the field type; numbers within min/max; text valid
// UTF-8 of at most max_length code points (2000 when 0); dates real; choices
// among the field's choices and not repeated.
Status ValidateValue(const wardsync::forms::FormDef& form, const wardsync::forms::FieldDef& field,
                     const wardsync::changes::Value& value);

// A whole record: no unknown field names, each value valid, every required
// field present and non-empty, and every cross-field rule holding. A rule
// is skipped while its right side or every field of its sum is empty; an
// empty field of the sum whose min is >= 0 counts as 0 (the filled part
// already exceeding the right side breaks the rule whatever it will hold).
Status ValidateRecordFields(const wardsync::forms::FormDef& form,
                            const google::protobuf::Map<std::string, wardsync::records::FieldState>& fields);

// A cross-field rule a record breaks: what a RULE conflict names.
struct BrokenRule {
  std::string rule;                 // the rule's expr, with its label in parentheses when it has one (stable)
  std::vector<std::string> fields;  // the fields it names, each once, in the order the rule names them
  std::string message;              // as ValidateRecordFields words it, with the values
};

// Every rule of the form the fields break (the same test as
// ValidateRecordFields), in the form's order.
std::vector<BrokenRule> BrokenRules(const wardsync::forms::FormDef& form,
                                    const google::protobuf::Map<std::string, wardsync::records::FieldState>& fields);

// One change against the form it names (id and version must match form):
// each field set at most once, known, and valid; a set without a value (or
// with an empty one) clears the field, which a required field refuses.
// Whether the record as a whole is complete is ValidateRecordFields' job.
Status ValidateChangeFields(const wardsync::forms::FormDef& form, const wardsync::changes::Change& change);

}  // namespace wardsync::forms_util

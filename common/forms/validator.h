// The one validation of record data against a form definition. The client
// runs it before storing an officer's input and the server before accepting
// a change, so both refuse exactly the same things with the same words.
// Messages start with the form id and name the field or rule at fault; the
// same problems with codes and Vietnamese text come from Evaluate
// (evaluation.h), which this wraps.
#pragma once
#include <google/protobuf/map.h>

#include <string>
#include <vector>

#include "common/forms/evaluation.h"
#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/forms.pb.h"
#include "proto/records.pb.h"

namespace wardsync::forms_util {

// A value that says nothing: no kind set, empty text, or an empty choice
// list. Such a value does not satisfy a required field.
bool IsEmptyValue(const wardsync::changes::Value& value);

// The value's kind matches the field type; numbers within min/max; text valid
// UTF-8 of at most max_length code points (2000 when 0); dates and times
// real; choices among the field's choices and not repeated.
Status ValidateValue(const wardsync::forms::FormDef& form, const wardsync::forms::FieldDef& field,
                     const wardsync::changes::Value& value);

// A whole record: no unknown field names, each value valid, every required
// and relevant field present and non-empty, no value on a field whose
// condition does not hold or that is computed, rows of each group within
// min_rows/max_rows, and every cross-field rule holding. A rule whose value
// is unknown (fields not filled in yet) is not broken; an empty number field
// whose min is >= 0 counts as at least 0 in a sum (the filled part already
// exceeding the right side breaks the rule whatever it will hold).
// The first problem Evaluate finds, as a Status.
Status ValidateRecordFields(const wardsync::forms::FormDef& form,
                            const google::protobuf::Map<std::string, wardsync::records::FieldState>& fields);

// Every rule of the form the fields break, or that cannot be evaluated on
// them (overflow, division by zero), in the form's order.
std::vector<BrokenRule> BrokenRules(const wardsync::forms::FormDef& form,
                                    const google::protobuf::Map<std::string, wardsync::records::FieldState>& fields);

// One change against the form it names (id and version must match form):
// each stored name (field_path.h) set at most once, known, not computed, and
// valid; a set without a value (or with an empty one) clears the field,
// which a required field without a condition refuses. Whether the record as
// a whole is complete is ValidateRecordFields' job.
Status ValidateChangeFields(const wardsync::forms::FormDef& form, const wardsync::changes::Change& change);

}  // namespace wardsync::forms_util

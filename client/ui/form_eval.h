// POST /api/forms/FORM/evaluate: what the form looks like for the values an
// officer has typed so far (issue 13): which fields are relevant (shown),
// which are required now, the values of computed (read-only) fields, and the
// problems found. The browser calls it on every change and never evaluates a
// rule itself (brief decision 3: one expression engine, in C++).
//
// Request:  {"values": {FIELD: value, GROUP: [{"_row": ID, SUB: value}...]}}
// Reply:    {"relevant": {PATH: bool}, "required": {PATH: bool},
//            "computed": {PATH: value},
//            "problems": [{fields, kind, code, params, message, label, text: {en, vi}}]}
// PATH is a field name, or GROUP[ROWID].SUB for a sub-field of one row; a
// path left out is relevant, not required, and computes nothing.
//
// The values are read as `wardsync new --from-json` reads them and judged by
// forms_util::Evaluate (common/forms/evaluation.h), the engine the validator,
// the server and the CLI use; see field_check.h.
#pragma once
#include <google/protobuf/struct.pb.h>

#include <string>

#include "common/status.h"
#include "proto/forms.pb.h"

namespace wardsync::client::ui {

// The reply's JSON (see above), or an error for a values object that cannot
// be read.
Result<std::string> EvaluateForm(const wardsync::forms::FormDef& form, const google::protobuf::Struct& values);

}  // namespace wardsync::client::ui

#include "common/forms/validator.h"

#include "common/changes/seen_fields.h"
#include "common/forms/field_path.h"
#include "common/forms/quote.h"
#include "common/forms/value_check.h"

namespace wardsync::forms_util {

using wardsync::changes::Value;
using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;

bool IsEmptyValue(const Value& value) {
  switch (value.kind_case()) {
    case Value::KIND_NOT_SET: return true;
    case Value::kText: return value.text().empty();
    case Value::kChoices: return value.choices().values().empty();
    default: return false;
  }
}

Status ValidateValue(const FormDef& form, const FieldDef& field, const Value& value) {
  if (auto p = CheckValue(form, field, field.name(), value)) return Status::Invalid(p->en);
  return Status::Ok();
}

Status ValidateRecordFields(const FormDef& form, const google::protobuf::Map<std::string, wardsync::records::FieldState>& fields) {
  FormEvaluation e = Evaluate(form, fields);
  if (e.problems.empty()) return Status::Ok();
  return Status::Invalid(e.problems.front().en);
}

std::vector<BrokenRule> BrokenRules(const FormDef& form,
                                    const google::protobuf::Map<std::string, wardsync::records::FieldState>& fields) {
  return Evaluate(form, fields).broken_rules;
}

Status ValidateChangeFields(const FormDef& form, const wardsync::changes::Change& change) {
  if (change.form_id() != form.id() || change.form_version() != form.version()) {
    return Status::Invalid("change is for form " + Quote(change.form_id()) + " version " +
                           std::to_string(change.form_version()) + ", checked against " + Quote(form.id()) + " version " +
                           std::to_string(form.version()));
  }
  changes_util::SeenFields seen;
  for (const auto& set : change.sets()) {
    const FieldDef* field = ResolveField(form, set.field());
    if (field == nullptr) return Status::Invalid(form.id() + ": unknown field " + Quote(set.field()));
    if (!seen.Insert(set.field())) {
      return Status::Invalid(form.id() + ": field " + Quote(set.field()) + " is set twice in one change");
    }
    // Only a path with a row ("group[row]") can be a row marker; a
    // top-level name, the common case, is not parsed (ResolveField checked it).
    const bool row_marker = set.field().find('[') != std::string::npos && ParseFieldPath(set.field())->IsRowMarker();
    if (field->type() == FieldDef::GROUP && !row_marker) {
      return Status::Invalid(form.id() + ": field " + Quote(set.field()) +
                             " is a repeat group: set its rows (\"" + set.field() + "[row]\" and \"" + set.field() +
                             "[row].field\")");
    }
    if (!field->compute().empty()) {
      return Status::Invalid(form.id() + ": field " + Quote(set.field()) + " is computed and cannot be set");
    }
    if (!set.has_value() || IsEmptyValue(set.value())) {
      // An empty value clears only in the field's own kind: empty text in an
      // INTEGER field is a wrong value, not a clear (it would be stored as text).
      if (set.has_value() && set.value().kind_case() != Value::KIND_NOT_SET && !row_marker) {
        WS_RETURN_IF_ERROR(ValidateValue(form, *field, set.value()));
      }
      // A row marker cleared removes the row; a field with a condition may
      // be cleared when the condition stops holding.
      if (field->required() && field->relevant().empty() && !row_marker) {
        return Status::Invalid(form.id() + ": field " + Quote(set.field()) + " is required and cannot be cleared");
      }
      continue;
    }
    if (auto p = CheckValue(form, *field, set.field(), set.value())) return Status::Invalid(p->en);
  }
  return Status::Ok();
}

}  // namespace wardsync::forms_util

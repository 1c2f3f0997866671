#include "common/resolution/resolution.h"

#include <algorithm>

#include "common/changes/deleted_marker.h"
#include "common/forms/form_registry.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"

namespace wardsync::resolution {

using wardsync::changes::Change;
using wardsync::records::Conflict;
using wardsync::records::RecordState;

namespace {

// Whole-record conflict (delete against edit): the deleted marker carries
// the outcome.
Result<bool> DeletedOutcome(const Conflict& conflict, const Choice& choice) {
  if (choice.pick) return conflict.candidates(static_cast<int>(*choice.pick - 1)).deleted();
  if (*choice.value == "delete") return true;
  if (*choice.value == "keep") return false;
  return Status::Invalid("conflict " + conflict.id() +
                         " is about deleting the record: resolve it with keep or delete (or a candidate number)");
}

// The field value the resolution writes (nullopt: the field is cleared).
Result<std::optional<wardsync::changes::Value>> ChosenValue(const wardsync::forms::FormDef& form,
                                                            const Conflict& conflict, const Choice& choice) {
  const auto* field = forms_util::FormRegistry::FindField(form, conflict.field());
  if (field == nullptr) {
    return Status::Precondition("field \"" + conflict.field() + "\" of conflict " + conflict.id() +
                                " is not in form " + form.id() + " version " + std::to_string(form.version()));
  }
  if (choice.pick) {
    const auto& cand = conflict.candidates(static_cast<int>(*choice.pick - 1));
    if (!cand.has_value()) return std::optional<wardsync::changes::Value>();
    return std::optional<wardsync::changes::Value>(cand.value());
  }
  if (choice.value->empty()) return std::optional<wardsync::changes::Value>();
  auto v = forms_util::ParseValue(form, *field, *choice.value);
  if (!v.ok()) return v.status();
  return std::optional<wardsync::changes::Value>(std::move(v).value());
}

Change Skeleton(const RecordState& record, const Conflict& conflict, const std::string& reason) {
  Change change;
  change.set_op(Change::RESOLVE);
  change.set_record_id(record.record_id());
  change.set_form_id(record.form_id());
  change.set_form_version(record.form_version());
  change.set_ward(record.ward());
  change.set_conflict_id(conflict.id());
  change.set_reason(reason);
  return change;
}

std::string Names(const google::protobuf::RepeatedPtrField<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

Result<Resolution> Build(const wardsync::forms::FormDef& form, const RecordState& record, const Conflict& conflict,
                         const Choice& choice, const std::string& reason) {
  if (choice.pick.has_value() == choice.value.has_value()) {
    return Status::Invalid("resolve conflict " + conflict.id() + " with either a candidate number or a value");
  }
  const size_t n = static_cast<size_t>(conflict.candidates_size());
  if (choice.pick && (*choice.pick < 1 || *choice.pick > n)) {
    return Status::Invalid("conflict " + conflict.id() + " has " + std::to_string(n) + " candidates; pick 1.." +
                           std::to_string(n));
  }
  Resolution out;
  out.change = Skeleton(record, conflict, reason);
  Change& change = out.change;
  auto* fs = change.add_sets();

  if (conflict.field().empty()) {
    auto deleted = DeletedOutcome(conflict, choice);
    if (!deleted.ok()) return deleted.status();
    fs->set_field(std::string(changes_util::kDeletedMarkerField));
    fs->mutable_value()->set_boolean(*deleted);
    return out;
  }
  auto value = ChosenValue(form, conflict, choice);
  if (!value.ok()) return value.status();
  fs->set_field(conflict.field());
  if (value->has_value()) *fs->mutable_value() = std::move(**value);
  if (auto cur = record.fields().find(conflict.field()); cur != record.fields().end()) {
    *fs->mutable_base() = cur->second.stamp().change();
  }
  WS_RETURN_IF_ERROR(forms_util::ValidateChangeFields(form, change));
  out.keep_rules = !record.deleted() && forms_util::ValidateRecordFields(form, record.fields()).ok();
  return out;
}


Result<Resolution> BuildReview(const wardsync::forms::FormDef* form, const RecordState& record,
                               const Conflict& conflict, const ReviewChoice& choice, const std::string& reason) {
  const std::string& id = conflict.id();
  const auto kind = conflict.kind();
  if (kind == wardsync::records::VALUES) {
    return Status::Invalid("conflict " + id + " is between competing values: resolve it with a candidate number or a value");
  }
  if (kind == wardsync::records::DUPLICATE) {
    if (!choice.sets.empty() || choice.dismiss == choice.delete_record) {
      return Status::Invalid("duplicate conflict " + id + " is resolved by keeping both records (dismiss) or by "
                             "deleting this one; it takes no field values");
    }
    Resolution out;
    out.change = Skeleton(record, conflict, reason);
    if (choice.delete_record) {
      auto* fs = out.change.add_sets();
      fs->set_field(std::string(changes_util::kDeletedMarkerField));
      fs->mutable_value()->set_boolean(true);
    }
    return out;
  }
  if (choice.delete_record) return Status::Invalid("only a duplicate conflict is resolved by deleting its record");
  if (choice.dismiss == !choice.sets.empty()) {
    return Status::Invalid("resolve conflict " + id + " with either values or a dismissal");
  }
  if (kind == wardsync::records::RULE && choice.dismiss) {
    return Status::Invalid("rule conflict " + id + " (" + conflict.problem() +
                           ") is resolved by setting one or more of its fields so the rule holds; it cannot be dismissed");
  }
  if (kind == wardsync::records::REJECTED && record.placeholder() && !choice.sets.empty()) {
    return Status::Invalid("the record of " + id + " was never created: dismiss the rejected change (an officer's "
                           "new edit creates the record)");
  }
  Resolution out;
  out.change = Skeleton(record, conflict, reason);
  if (choice.dismiss) return out;
  if (form == nullptr) {
    return Status::Precondition("form \"" + record.form_id() + "\" version " + std::to_string(record.form_version()) +
                                " is not known here");
  }
  for (const auto& [name, text] : choice.sets) {
    const auto* field = forms_util::FormRegistry::FindField(*form, name);
    if (field == nullptr) {
      std::string names;
      for (const auto& f : form->fields()) names += (names.empty() ? "" : ", ") + f.name();
      return Status::Invalid(form->id() + ": unknown field \"" + name + "\"; fields: " + names);
    }
    if (kind == wardsync::records::RULE &&
        std::find(conflict.fields().begin(), conflict.fields().end(), name) == conflict.fields().end()) {
      return Status::Invalid("rule " + conflict.problem() + " names the fields " + Names(conflict.fields()) +
                             ", not \"" + name + "\"");
    }
    auto* fs = out.change.add_sets();
    fs->set_field(name);
    if (!text.empty()) {
      auto v = forms_util::ParseValue(*form, *field, text);
      if (!v.ok()) return v.status();
      *fs->mutable_value() = std::move(v).value();
    }
    if (auto cur = record.fields().find(name); cur != record.fields().end()) {
      *fs->mutable_base() = cur->second.stamp().change();
    }
  }
  WS_RETURN_IF_ERROR(forms_util::ValidateChangeFields(*form, out.change));
  if (kind == wardsync::records::RULE) {
    // The conflict stays open unless the rule then holds: say so now.
    RecordState trial = record;
    for (const auto& fs : out.change.sets()) {
      wardsync::records::FieldState state;
      if (fs.has_value()) *state.mutable_value() = fs.value();
      (*trial.mutable_fields())[fs.field()] = state;
    }
    for (const auto& b : forms_util::BrokenRules(*form, trial.fields())) {
      if (b.rule == conflict.problem()) return Status::Invalid("the record would still break the rule: " + b.message);
    }
    return out;
  }
  // Values set on a rejected change may not break a record that holds its rules.
  out.keep_rules = !record.deleted() && forms_util::ValidateRecordFields(*form, record.fields()).ok();
  return out;
}

}  // namespace wardsync::resolution

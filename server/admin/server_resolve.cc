#include "server/admin/server_resolve.h"


#include <algorithm>

#include "common/clock/record_hlc.h"
#include "common/changes/changeset.h"
#include "common/clock/hlc.h"
#include "common/forms/form_registry.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"
#include "common/reconcile/merge.h"
#include "common/render/conflict_render.h"
#include "common/render/record_render.h"
#include "server/admin/server_change.h"
#include "common/store/proto_io.h"
#include "server/audit/conflict_queue.h"
#include "server/audit/logged_change.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

using wardsync::changes::Change;
using wardsync::changes::ChangeSetBody;
using wardsync::records::RecordState;

namespace {

// The field value the resolution writes (nullopt: the field is cleared).
Result<std::optional<wardsync::changes::Value>> ChosenValue(const wardsync::forms::FormDef& form,
                                                            const wardsync::records::Conflict& c,
                                                            const ServerResolveRequest& req) {
  if (req.pick) {
    const auto& cand = c.candidates(static_cast<int>(*req.pick - 1));
    if (!cand.has_value()) return std::optional<wardsync::changes::Value>();
    return std::optional<wardsync::changes::Value>(cand.value());
  }
  const auto* field = forms_util::FormRegistry::FindField(form, c.field());
  if (field == nullptr) {
    return Status::Precondition("field \"" + c.field() + "\" is not in form " + form.id() + " version " +
                                std::to_string(form.version()) + "; resolve it with --pick N");
  }
  if (req.value->empty()) return std::optional<wardsync::changes::Value>();
  auto v = forms_util::ParseValue(form, *field, *req.value);
  if (!v.ok()) return v.status();
  return std::optional<wardsync::changes::Value>(std::move(v).value());
}

// The FieldSets of a RULE/REJECTED resolution, parsed against the form;
// each base is the version the record shows.
Status AddSets(const wardsync::forms::FormDef& form, const RecordState& record,
               const std::vector<std::pair<std::string, std::string>>& sets, Change* change) {
  for (const auto& [name, text] : sets) {
    const auto* field = forms_util::FormRegistry::FindField(form, name);
    if (field == nullptr) {
      std::string names;
      for (const auto& f : form.fields()) names += (names.empty() ? "" : ", ") + f.name();
      return Status::Invalid(form.id() + ": unknown field \"" + name + "\"; fields: " + names);
    }
    auto* fs = change->add_sets();
    fs->set_field(name);
    if (!text.empty()) {
      auto v = forms_util::ParseValue(form, *field, text);
      if (!v.ok()) return v.status();
      *fs->mutable_value() = std::move(v).value();
    }
    if (auto cur = record.fields().find(name); cur != record.fields().end()) {
      *fs->mutable_base() = cur->second.stamp().change();
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ServerResolveResult> ResolveOnServer(Ingestor& ingestor, const ServerResolveRequest& req) {
  ServerContext& ctx = ingestor.ctx();
  if (req.reason.empty()) return Status::Invalid("--reason is required: say why this value is the right one");
  auto found = audit::FindConflict(ctx.store, req.conflict_id);
  if (!found.ok()) return found.status();
  RecordState record = found->record;
  const wardsync::records::Conflict conflict = found->conflict();
  if (!conflict.open()) {
    return Status::Precondition("conflict " + req.conflict_id + " is already resolved (by " +
                                render::StampText(conflict.resolved_by()) + ": " + conflict.reason() +
                                "); nothing was changed");
  }
  const bool values_kind = conflict.kind() == wardsync::records::VALUES;
  const char* kind = render::ConflictKindName(conflict.kind());
  if (values_kind) {
    if (req.dismiss || !req.sets.empty()) {
      return Status::Invalid("conflict " + req.conflict_id + " is between competing values: resolve it with --pick N "
                             "or --value V (--set and --dismiss are for rule and rejected conflicts)");
    }
    if (req.pick.has_value() == req.value.has_value()) {
      return Status::Invalid("resolve conflict " + req.conflict_id + " with either --pick N or --value V");
    }
  } else {
    if (req.pick || req.value) {
      return Status::Invalid("conflict " + req.conflict_id + " is a " + kind +
                             " conflict: --pick and --value are for competing values; use " +
                             (conflict.kind() == wardsync::records::RULE ? "--set FIELD=VALUE"
                                                                          : "--dismiss or --set FIELD=VALUE"));
    }
    if (conflict.kind() == wardsync::records::RULE && (req.dismiss || req.sets.empty())) {
      return Status::Invalid("rule conflict " + req.conflict_id + " (" + conflict.problem() +
                             ") is resolved by setting one or more of its fields with --set FIELD=VALUE so the rule "
                             "holds");
    }
    if (conflict.kind() == wardsync::records::REJECTED && req.dismiss == !req.sets.empty()) {
      return Status::Invalid("resolve rejected change " + req.conflict_id + " with either --dismiss or --set FIELD=VALUE");
    }
    if (conflict.kind() == wardsync::records::REJECTED && record.placeholder() && !req.sets.empty()) {
      return Status::Invalid("record of " + req.conflict_id + " was never created: --dismiss the rejected change, or "
                             "create the record with `wardsync-server correct` (--set every required field)");
    }
  }
  const size_t n = static_cast<size_t>(conflict.candidates_size());
  if (req.pick && (*req.pick < 1 || *req.pick > n)) {
    return Status::Invalid("conflict " + req.conflict_id + " has " + std::to_string(n) + " candidates; pick 1.." +
                           std::to_string(n));
  }
  auto forms = ctx.forms.Get();
  const auto* form = forms->registry.Find(record.form_id(), record.form_version());
  if (form == nullptr && !record.placeholder()) {
    return Status::Precondition("form " + record.form_id() + " version " + std::to_string(record.form_version()) +
                                " of the record is not published");
  }

  Change change;
  change.set_op(Change::RESOLVE);
  change.set_record_id(record.record_id());
  change.set_form_id(record.form_id());
  change.set_form_version(record.form_version());
  change.set_ward(record.ward());
  change.set_conflict_id(req.conflict_id);
  change.set_reason(req.reason);
  bool check_record = false;
  if (!values_kind) {
    if (!req.sets.empty()) {
      WS_RETURN_IF_ERROR(AddSets(*form, record, req.sets, &change));
      WS_RETURN_IF_ERROR(forms_util::ValidateChangeFields(*form, change));
      // Rejected change: values set by a reviewer may not break a record
      // that holds its rules. (A rule conflict is checked below: it must close.)
      check_record = conflict.kind() == wardsync::records::REJECTED && !record.deleted() &&
                     forms_util::ValidateRecordFields(*form, record.fields()).ok();
    }
  } else if (conflict.field().empty()) {
    auto* fs = change.add_sets();
    // Whole-record conflict (delete against edit): "__deleted" carries the outcome.
    bool deleted;
    if (req.pick) {
      deleted = conflict.candidates(static_cast<int>(*req.pick - 1)).deleted();
    } else if (*req.value == "delete") {
      deleted = true;
    } else if (*req.value == "keep") {
      deleted = false;
    } else {
      return Status::Invalid("conflict " + req.conflict_id +
                             " is about deleting the record: give --value keep or --value delete (or --pick N)");
    }
    fs->set_field(std::string(reconcile::kDeletedMarkerField));
    fs->mutable_value()->set_boolean(deleted);
  } else {
    auto* fs = change.add_sets();
    auto value = ChosenValue(*form, conflict, req);
    if (!value.ok()) return value.status();
    fs->set_field(conflict.field());
    if (value->has_value()) *fs->mutable_value() = std::move(**value);
    if (auto cur = record.fields().find(conflict.field()); cur != record.fields().end()) {
      *fs->mutable_base() = cur->second.stamp().change();
    }
    WS_RETURN_IF_ERROR(forms_util::ValidateChangeFields(*form, change));
    // As on a reviewer's device: a resolution may not break a record that
    // holds its form's rules (one already broken elsewhere stays resolvable).
    check_record = !record.deleted() && forms_util::ValidateRecordFields(*form, record.fields()).ok();
  }

  auto cs = PrepareServerChange(ctx, change, req.officer, LargestHlc(record));
  if (!cs.ok()) return cs.status();
  RecordState trial = record;
  reconcile::ApplyOutcome outcome;
  Status tried = TryServerChange(ctx, *cs, &trial, &outcome);
  if (!tried.ok()) return Status::Invalid("this resolution would be rejected: " + tried.message());
  if (check_record) {
    Status s = forms_util::ValidateRecordFields(*form, trial.fields());
    if (!s.ok()) return Status::Invalid("this resolution would break the record: " + s.message());
  }
  if (conflict.kind() == wardsync::records::RULE &&
      std::find(outcome.closed.begin(), outcome.closed.end(), req.conflict_id) == outcome.closed.end()) {
    std::string why;
    for (const auto& b : forms_util::BrokenRules(*form, trial.fields())) {
      if (b.rule == conflict.problem()) why = b.message;
    }
    return Status::Invalid("the record would still break the rule: " + (why.empty() ? conflict.problem() : why) +
                           "; nothing was changed");
  }

  WS_RETURN_IF_ERROR(CommitServerChange(ingestor, *cs));
  ServerResolveResult out;
  WS_RETURN_IF_ERROR(GetProto(ctx.store, keys::Record(record.record_id()), &out.record));
  // A reviewer's resolution may have reached the committer between our read
  // and this commit: then ours was recorded as late, not applied.
  for (const auto& c : out.record.conflicts()) {
    if (c.id() != req.conflict_id || (c.resolved_by().change().device_id() == kServerDevice &&
                                          c.resolved_by().change().seq() == cs->body.seq())) {
      continue;
    }
    return Status::Precondition("conflict " + req.conflict_id + " was resolved meanwhile (by " +
                                render::StampText(c.resolved_by()) + ": " + c.reason() +
                                "); this resolution is kept on record as late, not applied");
  }
  out.changeset_seq = cs->body.seq();
  out.log_seq = out.record.log_seq();
  return out;
}

}  // namespace wardsync::server

#include "server/admin/server_resolve.h"


#include <algorithm>

#include "common/clock/record_hlc.h"
#include "common/changes/changeset.h"
#include "common/clock/hlc.h"
#include "common/forms/form_registry.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"
#include "common/reconcile/merge.h"
#include "common/resolution/resolution.h"
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
  } else if (conflict.kind() == wardsync::records::DUPLICATE) {
    if (req.pick || req.value || !req.sets.empty() || req.dismiss == req.delete_record) {
      return Status::Invalid("duplicate conflict " + req.conflict_id + " (" + conflict.problem() +
                             ") is resolved with --dismiss (both are distinct reports) or --delete (delete this record)");
    }
  } else {
    if (req.delete_record) return Status::Invalid("--delete is for duplicate conflicts");
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
  auto forms = ctx.forms.Get();
  const auto* form = forms->registry.Find(record.form_id(), record.form_version());
  if (form == nullptr && !record.placeholder()) {
    return Status::Precondition("form " + record.form_id() + " version " + std::to_string(record.form_version()) +
                                " of the record is not published");
  }

  // The change itself is built as a reviewer's device builds it (common/resolution).
  Result<resolution::Resolution> built = Status::Internal("not built");
  if (values_kind) {
    built = resolution::Build(*form, record, conflict, {req.pick, req.value}, req.reason);
  } else {
    built = resolution::BuildReview(form, record, conflict, {req.sets, req.dismiss, req.delete_record}, req.reason);
  }
  if (!built.ok()) return built.status();
  const Change& change = built->change;
  const bool check_record = built->keep_rules;

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

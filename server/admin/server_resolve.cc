#include "server/admin/server_resolve.h"

#include "common/changes/changeset.h"
#include "common/clock/hlc.h"
#include "common/clock/record_hlc.h"
#include "common/forms/form_registry.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"
#include "common/reconcile/merge.h"
#include "common/render/record_render.h"
#include "common/resolution/resolution.h"
#include "common/store/proto_io.h"
#include "server/audit/conflict_queue.h"
#include "server/audit/logged_change.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

using wardsync::changes::Change;
using wardsync::changes::ChangeSetBody;
using wardsync::records::RecordState;

namespace {

constexpr const char* kServerDevice = "server";

// Where the server's own chain stands: its device row and the HLC of its
// last change-set (so its stamps only grow).
Status ServerChain(KvStore& store, wardsync::store::Device* self, uint64_t* last_hlc) {
  Status s = GetProto(store, keys::Device(kServerDevice), self);
  if (s.not_found()) {
    return Status::Precondition("this data directory has no server signing identity (device \"server\"); "
                                "it was not made by wardsync-server init");
  }
  WS_RETURN_IF_ERROR(s);
  *last_hlc = 0;
  if (self->last_seq() > 0) {
    wardsync::store::StoredChangeSet last;
    WS_RETURN_IF_ERROR(GetProto(store, keys::ChangeSet(kServerDevice, self->last_seq()), &last));
    ChangeSetBody body;
    if (!changes_util::ParseBody(last.signed_(), &body).ok()) {
      return Status::Corruption("the server's change-set " + std::to_string(self->last_seq()) + " does not parse");
    }
    *last_hlc = body.hlc();
  }
  return Status::Ok();
}

}  // namespace

Result<ServerResolveResult> ResolveOnServer(Ingestor& ingestor, const ServerResolveRequest& req) {
  ServerContext& ctx = ingestor.ctx();
  if (req.pick.has_value() == req.value.has_value()) {
    return Status::Invalid("resolve conflict " + req.conflict_id + " with either --pick N or --value V");
  }
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
  auto forms = ctx.forms.Get();
  const auto* form = forms->registry.Find(record.form_id(), record.form_version());
  if (form == nullptr) {
    return Status::Precondition("form " + record.form_id() + " version " + std::to_string(record.form_version()) +
                                " of the record is not published");
  }

  auto built = resolution::Build(*form, record, conflict, {req.pick, req.value}, req.reason);
  if (!built.ok()) return built.status();
  const Change& change = built->change;
  const bool check_record = built->keep_rules;  // as on a reviewer's device

  wardsync::store::Device self;
  uint64_t last_hlc = 0;
  WS_RETURN_IF_ERROR(ServerChain(ctx.store, &self, &last_hlc));
  HybridLogicalClock clock(ctx.clock, last_hlc);
  clock.Observe(LargestHlc(record));  // causally after everything the record shows

  ChangeSetBody body;
  body.set_format(1);
  body.set_device_id(kServerDevice);
  body.set_seq(self.last_seq() + 1);
  body.set_prev_hash(self.last_hash());
  body.set_hlc(clock.Now());
  body.set_officer(req.officer);
  body.set_key_epoch(0);
  *body.add_changes() = change;

  if (check_record) {
    RecordState trial = record;
    wardsync::records::Stamp stamp;
    stamp.mutable_change()->set_device_id(kServerDevice);
    stamp.mutable_change()->set_seq(body.seq());
    stamp.set_hlc(body.hlc());
    auto applied = reconcile::Apply(trial, change, stamp, 0, {});
    if (!applied.ok()) return applied.status();
    Status s = forms_util::ValidateRecordFields(*form, trial.fields());
    if (!s.ok()) return Status::Invalid("this resolution would break the record: " + s.message());
  }

  Submission sub;
  sub.device_id = kServerDevice;
  sub.change_sets.push_back(changes_util::Sign(body, ctx.server_key));
  SubmissionResult r = ingestor.CommitOne(sub);
  if (!r.ok()) return Status::Invalid("the resolution was refused: " + r.message);
  if (r.accepted != 1) return Status::Internal("the resolution was not stored (acknowledged seq " +
                                               std::to_string(r.acked_seq) + ")");
  ServerResolveResult out;
  WS_RETURN_IF_ERROR(GetProto(ctx.store, keys::Record(record.record_id()), &out.record));
  // A reviewer's resolution may have reached the committer between our read
  // and this commit: then ours was recorded as late, not applied.
  for (const auto& c : out.record.conflicts()) {
    if (c.id() != req.conflict_id || (c.resolved_by().change().device_id() == kServerDevice &&
                                          c.resolved_by().change().seq() == body.seq())) {
      continue;
    }
    return Status::Precondition("conflict " + req.conflict_id + " was resolved meanwhile (by " +
                                render::StampText(c.resolved_by()) + ": " + c.reason() +
                                "); this resolution is kept on record as late, not applied");
  }
  out.changeset_seq = body.seq();
  out.log_seq = out.record.log_seq();
  return out;
}

}  // namespace wardsync::server

#include "server/admin/server_change.h"

#include "common/changes/changeset.h"
#include "common/clock/hlc.h"
#include "common/forms/validator.h"
#include "common/reconcile/form_rules.h"
#include "common/store/proto_io.h"
#include "server/ingest/ingest_group.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

using wardsync::changes::Change;
using wardsync::changes::ChangeSetBody;
using wardsync::records::RecordState;

namespace {

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

Result<ServerChangeSet> PrepareServerChange(ServerContext& ctx, const Change& change, const std::string& officer,
                                            uint64_t observe_hlc) {
  wardsync::store::Device self;
  uint64_t last_hlc = 0;
  WS_RETURN_IF_ERROR(ServerChain(ctx.store, &self, &last_hlc));
  HybridLogicalClock clock(ctx.clock, last_hlc);
  clock.Observe(observe_hlc);  // causally after everything the record shows
  ServerChangeSet cs;
  cs.body.set_format(1);
  cs.body.set_device_id(kServerDevice);
  cs.body.set_seq(self.last_seq() + 1);
  cs.body.set_prev_hash(self.last_hash());
  cs.body.set_hlc(clock.Now());
  cs.body.set_officer(officer);
  cs.body.set_key_epoch(0);
  *cs.body.add_changes() = change;
  cs.stamp.mutable_change()->set_device_id(kServerDevice);
  cs.stamp.mutable_change()->set_seq(cs.body.seq());
  cs.stamp.set_hlc(cs.body.hlc());
  cs.stamp.set_officer(officer);
  return cs;
}

Status TryServerChange(ServerContext& ctx, const ServerChangeSet& cs, RecordState* record,
                       reconcile::ApplyOutcome* outcome) {
  auto forms = ctx.forms.Get();
  const Change& change = cs.body.changes(0);
  // The same checks, in the same order, as IngestGroup::ApplyNew.
  std::string why = IngestGroup::CheckContent(*forms, *record, change);
  if (!why.empty()) return Status::Invalid(why);
  auto applied = reconcile::Apply(*record, change, cs.stamp, 0, {}, reconcile::FormRules(forms->registry));
  if (!applied.ok()) return applied.status();
  if ((change.op() == Change::CREATE || change.op() == Change::UPDATE) && !applied->concurrent &&
      applied->saw_record && !record->deleted()) {
    const auto* form = forms->registry.Find(change.form_id(), change.form_version());
    if (form != nullptr) WS_RETURN_IF_ERROR(forms_util::ValidateRecordFields(*form, record->fields()));
  }
  if (outcome != nullptr) *outcome = std::move(applied).value();
  return Status::Ok();
}

Status CommitServerChange(Ingestor& ingestor, const ServerChangeSet& cs) {
  Submission sub;
  sub.exempt_quota = true;  // the server's own change
  sub.device_id = kServerDevice;
  sub.change_sets.push_back(changes_util::Sign(cs.body, ingestor.ctx().server_key));
  SubmissionResult r = ingestor.CommitOne(sub);
  if (!r.ok()) return Status::Invalid("the change-set was refused: " + r.message);
  if (r.accepted != 1) {
    return Status::Internal("the change-set was not stored (acknowledged seq " + std::to_string(r.acked_seq) + ")");
  }
  if (r.rejected > 0) {
    return Status::Precondition("the change-set was stored but its change was rejected (see `wardsync-server "
                                "conflicts`): the record changed meanwhile");
  }
  return Status::Ok();
}

}  // namespace wardsync::server

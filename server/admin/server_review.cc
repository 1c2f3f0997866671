#include "server/admin/server_review.h"

#include "common/changes/changeset.h"
#include "common/clock/record_hlc.h"
#include "common/store/proto_io.h"
#include "server/admin/server_change.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

using wardsync::changes::Change;
using wardsync::records::RecordState;

Result<ServerReviewResult> ReviewOnServer(Ingestor& ingestor, const ServerReviewRequest& req) {
  ServerContext& ctx = ingestor.ctx();
  const std::string hex = changes_util::RecordIdText(req.record_id);
  if (req.status == wardsync::changes::REVIEW_NEEDS_CORRECTION && req.comment.empty()) {
    return Status::Invalid("a record sent back for correction needs a --comment telling the ward what to fix");
  }
  RecordState record;
  Status s = GetProto(ctx.store, keys::Record(req.record_id), &record);
  if (s.not_found()) return Status::NotFound("no record " + hex);
  WS_RETURN_IF_ERROR(s);
  if (record.placeholder()) {
    return Status::Precondition("record " + hex + " was never created (it only holds rejected changes); nothing to review");
  }
  if (record.deleted()) return Status::Precondition("record " + hex + " is deleted; nothing was changed");

  Change change;
  change.set_op(Change::REVIEW);
  change.set_record_id(record.record_id());
  change.set_form_id(record.form_id());
  change.set_form_version(record.form_version());
  change.set_ward(record.ward());
  *change.mutable_base() = record.last_change().change();  // the version judged: the record as it is
  change.set_review(req.status);
  change.set_comment(req.comment);

  auto cs = PrepareServerChange(ctx, change, req.officer, LargestHlc(record));
  if (!cs.ok()) return cs.status();
  RecordState trial = record;
  s = TryServerChange(ctx, *cs, &trial, nullptr);
  if (!s.ok()) return Status::Invalid("this review would be rejected: " + s.message() + "; nothing was changed");
  WS_RETURN_IF_ERROR(CommitServerChange(ingestor, *cs));
  ServerReviewResult out;
  WS_RETURN_IF_ERROR(GetProto(ctx.store, keys::Record(req.record_id), &out.record));
  out.changeset_seq = cs->body.seq();
  out.log_seq = out.record.log_seq();
  return out;
}

}  // namespace wardsync::server

// `review`: a reviewer's verdict on a record (received / needs-correction /
// approved) with a comment, signed with the server key, kept in the record's
// history and pulled by the ward's devices (server/admin/server_review.h).
#include "common/changes/changeset.h"
#include "common/reconcile/verdict.h"
#include "common/render/record_render.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/admin/server_review.h"

namespace wardsync::server {

int CmdReview(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  ServerReviewRequest req;
  if (!RecordArgument(args, err, &req.record_id)) return 2;
  auto state = args.Require("state");
  if (!state.ok()) {
    err << "error: " << state.status().message() << " (approved, needs-correction or received)\n";
    return 2;
  }
  if (!reconcile::ParseVerdict(*state, &req.status)) {
    err << "error: --state must be approved, needs-correction or received, got \"" << *state << "\"\n";
    return 2;
  }
  req.comment = args.Get("comment").value_or("");
  if (req.status == wardsync::changes::REVIEW_NEEDS_CORRECTION && req.comment.empty()) {
    err << "error: --comment TEXT is required with --state needs-correction (the ward sees it)\n";
    return 2;
  }
  req.officer = args.Get("officer").value_or("server administrator");

  Result<ServerReviewResult> result = Status::Internal("not run");
  env.Exclusive([&](Ingestor& ing) { result = ReviewOnServer(ing, req); });
  if (!result.ok()) {
    err << "error: " << result.status().message() << "\n";
    return 1;
  }
  const std::string hex = changes_util::RecordIdText(req.record_id);
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("reviewed").String(hex);
    w.Key("changeset").String("server:" + std::to_string(result->changeset_seq));
    w.Key("log_seq").Uint(result->log_seq);
    render::ReviewJson(result->record, w);
    w.EndObject();
    out << w.str() << "\n";
    return 0;
  }
  out << "record " << hex << " is now " << render::VerdictText(result->record) << " (change-set server:"
      << result->changeset_seq << ", log " << result->log_seq << ")\n";
  out << "devices of ward " << result->record.ward() << " get it at their next sync\n";
  return 0;
}

}  // namespace wardsync::server

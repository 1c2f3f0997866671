// Review of submissions decided on the server (`review`, the dashboard): a
// REVIEW change-set of the server's own chain (server/admin/server_change.h),
// signed with the server key and naming the reviewer as its officer. It
// lands in the log and the record's history, and reaches every device that
// can see the record (the ward's officers) by their normal pull.
#pragma once
#include <cstdint>
#include <string>

#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/records.pb.h"
#include "server/ingest/group_committer.h"

namespace wardsync::server {

struct ServerReviewRequest {
  std::string record_id;   // raw 16 bytes
  wardsync::changes::ReviewStatus status = wardsync::changes::REVIEW_RECEIVED;
  std::string comment;
  std::string officer;     // the reviewer, as history shows it
};

struct ServerReviewResult {
  wardsync::records::RecordState record;   // after
  uint64_t changeset_seq = 0;              // of device "server"
  uint64_t log_seq = 0;
};

// Must run inside AdminEnv::Exclusive. The verdict is on the record as it is
// now (base = its last change), so it always takes effect. Refusals (no such
// record, deleted or never created, no comment when sending back) write
// nothing and explain themselves.
Result<ServerReviewResult> ReviewOnServer(Ingestor& ingestor, const ServerReviewRequest& request);

}  // namespace wardsync::server

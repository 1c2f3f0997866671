// A change made on the server (`resolve`, `correct`): the next change-set of
// the server's own device ("server", role "server"), signed with the server
// key and chained like any device's (seq = dev/server last_seq + 1,
// prev_hash = its last_hash, key epoch 0), then ingested through the same
// checks as a device's push. So it lands in the log, is replayed by history
// and verify, and reaches every device that can see the record by pull.
#pragma once
#include <cstdint>
#include <string>

#include "common/reconcile/merge.h"
#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/records.pb.h"
#include "server/ingest/group_committer.h"

namespace wardsync::server {

inline constexpr const char* kServerDevice = "server";

struct ServerChangeSet {
  wardsync::changes::ChangeSetBody body;   // unsigned, one change
  wardsync::records::Stamp stamp;          // what ingest will stamp it with (but received_ms)
};

// Builds the change-set carrying `change`, stamped causally after
// `observe_hlc` (the largest stamp of the record it changes). Nothing written.
Result<ServerChangeSet> PrepareServerChange(ServerContext& ctx, const wardsync::changes::Change& change,
                                            const std::string& officer, uint64_t observe_hlc);

// What ingest would do with the change on `record` (a copy is changed):
// the reason it would be kept as REJECTED, or ok. Front ends call it first so
// a server change that would only be rejected is refused instead, writing
// nothing.
Status TryServerChange(ServerContext& ctx, const ServerChangeSet& cs, wardsync::records::RecordState* record,
                       reconcile::ApplyOutcome* outcome);

// Signs and commits; must run inside AdminEnv::Exclusive. Durable when ok.
// Fails if ingest refused it or kept it as rejected (nothing more is done).
Status CommitServerChange(Ingestor& ingestor, const ServerChangeSet& cs);

}  // namespace wardsync::server

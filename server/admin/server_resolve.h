// A resolution decided on the server: a RESOLVE change-set from the
// server's own device ("server", role "server"), signed with the server key
// and chained like any device's (seq = dev/server last_seq + 1, prev_hash =
// its last_hash, key epoch 0), then ingested through the same checks as a
// device's push. So it lands in the log, closes the conflict in rec/, and
// reaches every device that can see the record by their normal pull.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "proto/records.pb.h"
#include "server/ingest/group_committer.h"

namespace wardsync::server {

struct ServerResolveRequest {
  std::string conflict_id;
  std::optional<size_t> pick;          // 1-based candidate number, as `conflicts` lists them
  std::optional<std::string> value;    // field conflict: typed value ("" clears); whole record: keep|delete
  std::string reason;
  std::string officer;                 // who decided (recorded as the change-set's officer)
};

struct ServerResolveResult {
  wardsync::records::RecordState record;   // after the resolution
  uint64_t changeset_seq = 0;              // of device "server"
  uint64_t log_seq = 0;
};

// Must run inside AdminEnv::Exclusive (serialized with ingest); the
// resolution is durable when this returns ok. Refusals (unknown or closed
// conflict, candidate number out of range, a value the form refuses) write
// nothing and explain themselves.
Result<ServerResolveResult> ResolveOnServer(Ingestor& ingestor, const ServerResolveRequest& request);

}  // namespace wardsync::server

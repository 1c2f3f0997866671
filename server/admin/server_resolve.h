// A resolution decided on the server: a RESOLVE change-set of the server's
// own chain, signed with the server key (server/admin/server_change.h). It
// lands in the log, closes the conflict in rec/, and reaches every device
// that can see the record by their normal pull.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "proto/records.pb.h"
#include "server/ingest/group_committer.h"

namespace wardsync::server {

struct ServerResolveRequest {
  std::string conflict_id;
  // VALUES conflicts: exactly one of pick / value.
  std::optional<size_t> pick;          // 1-based candidate number, as `conflicts` lists them
  std::optional<std::string> value;    // field conflict: typed value ("" clears); whole record: keep|delete
  // RULE conflicts: one or more of the rule's fields (the record must then
  // satisfy the rule). REJECTED conflicts: `dismiss`, or values to set.
  std::vector<std::pair<std::string, std::string>> sets;   // NAME, typed value ("" clears)
  bool dismiss = false;
  // DUPLICATE conflicts: `dismiss` keeps both records; `delete_record`
  // deletes the record the conflict is on.
  bool delete_record = false;
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
// conflict, the wrong kind of decision for the conflict's kind, candidate
// number out of range, a value the form refuses, a rule still broken) write
// nothing and explain themselves.
Result<ServerResolveResult> ResolveOnServer(Ingestor& ingestor, const ServerResolveRequest& request);

}  // namespace wardsync::server

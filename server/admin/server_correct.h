// `correct`: a reviewer's correction made on the server. An UPDATE of the
// server's own chain (server/admin/server_change.h) whose base is the
// record's last change (it saw the whole record), with the correction's
// reason in Change.reason, so history shows who corrected what and why.
// On a placeholder (a record never created) it is the record's creation.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "proto/records.pb.h"
#include "server/ingest/group_committer.h"

namespace wardsync::server {

struct ServerCorrectRequest {
  std::string record_id;                                  // raw 16 bytes
  std::vector<std::pair<std::string, std::string>> sets;  // NAME, typed value ("" clears)
  std::string reason;
  std::string officer;
};

struct ServerCorrectResult {
  wardsync::records::RecordState before;
  wardsync::records::RecordState record;   // after
  uint64_t changeset_seq = 0;              // of device "server"
  uint64_t log_seq = 0;
  std::vector<std::string> closed;         // conflicts it closed
};

// Must run inside AdminEnv::Exclusive. Refusals (no such record, deleted,
// unknown field, a value the form refuses, a corrected record breaking its
// form) write nothing and explain themselves.
Result<ServerCorrectResult> CorrectOnServer(Ingestor& ingestor, const ServerCorrectRequest& request);

}  // namespace wardsync::server

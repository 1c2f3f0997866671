// What a session hands to ingest, and what it gets back.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "proto/changes.pb.h"
#include "proto/sync.pb.h"

namespace wardsync::server {

struct Submission {
  std::string device_id;   // authenticated at hello; every change-set must claim it
  std::vector<wardsync::changes::SignedChangeSet> change_sets;  // ascending seq
};

struct SubmissionResult {
  uint64_t acked_seq = 0;        // all change-sets up to here are durable (new or already held)
  uint32_t accepted = 0;         // change-sets newly stored by this submission
  uint32_t duplicates = 0;       // change-sets the server already held (acknowledged again)
  uint32_t changes = 0;          // changes newly applied
  // Set when a change-set was refused; nothing of it (or after it) was stored.
  wardsync::sync::ErrorCode error = wardsync::sync::ERROR_UNSPECIFIED;
  std::string message;
  uint64_t error_seq = 0;
  bool ok() const { return error == wardsync::sync::ERROR_UNSPECIFIED; }
};

using SubmissionDone = std::function<void(SubmissionResult)>;

}  // namespace wardsync::server

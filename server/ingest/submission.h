// What a session hands to ingest, and what it gets back.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/arena.h>

#include "common/wire/content_limits.h"
#include "proto/changes.pb.h"
#include "proto/sync.pb.h"
#include "server/server_context.h"

namespace wardsync::server {

struct Submission {
  std::string device_id;   // authenticated at hello; every change-set must claim it
  std::vector<wardsync::changes::SignedChangeSet> change_sets;  // ascending seq
  // `wardsync-server import --accept-revoked`: an administrator vouches for
  // a revoked device's hand-over bundle, so the revocation does not refuse
  // it (every other check still does). Never set for the network.
  bool accept_revoked = false;
  // Not counted against the device's daily volume quota (volume_quota.h):
  // an administrator's `import` of a bundle and the server's own changes.
  bool exempt_quota = false;

  // Optional work done before the committer sees the submission (the session
  // does it on an io thread, so the single committer thread does less):
  // change_sets[i] parsed and its body hash. Used only when there is one
  // entry per change-set; ingest moves the bodies out (hence mutable) and
  // clears it. Never set it unless every body parsed: a body that does not
  // parse must be refused by ingest, in order.
  struct Prepared {
    wardsync::changes::ChangeSetBody* body = nullptr;  // on `arena`
    std::string hash;   // changes_util::BodyHash
    // Per change: IngestGroup::CheckContent's answer against
    // `content_forms`, for the changes whose answer does not depend on the
    // stored record (every op but RESOLVE and REVIEW); nullopt: ingest checks.
    std::vector<std::optional<std::string>> content;
    // wire::CheckChangeSetBody's answer ("" = within the limits) against
    // `content_limits`; nullopt: ingest checks.
    std::optional<std::string> sizes;
  };
  mutable std::vector<Prepared> prepared;
  // Owns the prepared bodies: parsed into one arena, they cost the io
  // thread no malloc per field and the committer no free per field when
  // the submission is done with (a body is a tree of small strings).
  std::shared_ptr<google::protobuf::Arena> arena;
  // The forms snapshot `content` was checked against: ingest uses the
  // answers only while the published forms are still this snapshot.
  std::shared_ptr<const FormsSnapshot::Data> content_forms;
  // The limits `Prepared::sizes` was checked against.
  std::optional<wire::ContentLimits> content_limits;
};

// Fills s.prepared if every body parses (else leaves it empty); with
// `forms`, also checks each change's content against them; with `limits`,
// each body's sizes (the committer uses that answer while its limits are
// still the same).
void Prepare(Submission& s, std::shared_ptr<const FormsSnapshot::Data> forms = nullptr,
             const wire::ContentLimits* limits = nullptr);

struct SubmissionResult {
  uint64_t acked_seq = 0;        // all change-sets up to here are durable (new or already held)
  uint32_t accepted = 0;         // change-sets newly stored by this submission
  uint32_t duplicates = 0;       // change-sets the server already held (acknowledged again)
  uint32_t changes = 0;          // changes newly applied
  uint32_t rejected = 0;         // changes newly accepted but kept as REJECTED conflicts, not applied
  // Set when a change-set was refused; nothing of it (or after it) was stored.
  wardsync::sync::ErrorCode error = wardsync::sync::ERROR_UNSPECIFIED;
  std::string message;
  uint64_t error_seq = 0;
  bool ok() const { return error == wardsync::sync::ERROR_UNSPECIFIED; }
};

using SubmissionDone = std::function<void(SubmissionResult)>;

}  // namespace wardsync::server

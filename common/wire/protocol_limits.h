// The protocol's floor under the server's negotiated limits (PROTOCOL.md,
// Limits): every server allows at least this much, so a client that has not
// yet learned a server's limits (HelloReply.limits) keeps to these in its
// first flight, and `wardsync-server run` refuses a limit below them.
#pragma once
#include <cstdint>

#include "proto/sync.pb.h"

namespace wardsync::wire {

inline constexpr uint32_t kMinChangeSetsPerPush = 50;
inline constexpr uint32_t kMinFrameBytes = 256u << 10;   // the fixed pull page bound; a change-set always fits
inline constexpr uint32_t kMinChangesPerChangeSet = 1;   // the client makes one change per change-set
// Pull pages bind the server, not the client (PullRequest.max_records is
// capped by the server), so a client that knows no limit asks for what it
// likes; `run --max-pull` may go down to 1 (the fault tests use tiny pages).
inline constexpr uint32_t kMinPullRecords = 1;

// The limits a client may assume when it has learned none.
inline wardsync::sync::ServerLimits ProtocolMinimumLimits() {
  wardsync::sync::ServerLimits l;
  l.set_max_changesets_per_push(kMinChangeSetsPerPush);
  l.set_max_frame_bytes(kMinFrameBytes);
  l.set_max_changes_per_changeset(kMinChangesPerChangeSet);
  return l;  // max_pull_records unset: see kMinPullRecords
}

// `announced` with every unset (0) push and frame limit replaced by the
// minimum: a limit of 0 would stop the client from sending anything at all.
// An unset pull limit stays unset (the client asks for its own page size).
inline wardsync::sync::ServerLimits FillMinimums(wardsync::sync::ServerLimits announced) {
  const auto min = ProtocolMinimumLimits();
  if (announced.max_changesets_per_push() == 0) announced.set_max_changesets_per_push(min.max_changesets_per_push());
  if (announced.max_frame_bytes() == 0) announced.set_max_frame_bytes(min.max_frame_bytes());
  if (announced.max_changes_per_changeset() == 0) announced.set_max_changes_per_changeset(min.max_changes_per_changeset());
  return announced;
}

}  // namespace wardsync::wire

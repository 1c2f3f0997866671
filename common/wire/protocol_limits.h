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
inline constexpr uint32_t kMinPullRecords = 100;

// The limits a client may assume when it has learned none.
inline wardsync::sync::ServerLimits ProtocolMinimumLimits() {
  wardsync::sync::ServerLimits l;
  l.set_max_changesets_per_push(kMinChangeSetsPerPush);
  l.set_max_frame_bytes(kMinFrameBytes);
  l.set_max_changes_per_changeset(kMinChangesPerChangeSet);
  l.set_max_pull_records(kMinPullRecords);
  return l;
}

// `announced` with every unset (0) limit replaced by the minimum: a limit of
// 0 would stop the client from sending anything at all.
inline wardsync::sync::ServerLimits FillMinimums(wardsync::sync::ServerLimits announced) {
  const auto min = ProtocolMinimumLimits();
  if (announced.max_changesets_per_push() == 0) announced.set_max_changesets_per_push(min.max_changesets_per_push());
  if (announced.max_frame_bytes() == 0) announced.set_max_frame_bytes(min.max_frame_bytes());
  if (announced.max_changes_per_changeset() == 0) announced.set_max_changes_per_changeset(min.max_changes_per_changeset());
  if (announced.max_pull_records() == 0) announced.set_max_pull_records(min.max_pull_records());
  return announced;
}

}  // namespace wardsync::wire

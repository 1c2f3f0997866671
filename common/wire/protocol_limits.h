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
// Sizes of what a client supplies (ServerLimits 5-12; PROTOCOL.md, Limits).
// A client that learned none checks its captures against these.
inline constexpr uint32_t kMinOfficerBytes = 64;
inline constexpr uint32_t kMinTextBytes = 16u << 10;      // a form's default maxLength (2000 characters) in any UTF-8
inline constexpr uint32_t kMinFieldsPerChange = 256;
inline constexpr uint32_t kMinCandidatesPerField = 4;
inline constexpr uint32_t kMinRecordBytes = 64u << 10;
inline constexpr uint32_t kMinLabelBytes = 64;
inline constexpr uint32_t kMinReportBytes = 4u << 10;
inline constexpr uint32_t kMinChangeSetBytes = 64u << 10;
// The hello or enroll frame is read before the device is known: it is
// bounded far below the frame limit, whatever `run` says (not a flag).
inline constexpr uint32_t kMaxFirstFrameBytes = 64u << 10;
// Frames other than Push and PullBatch are small: after the hello, one of
// them larger than this is refused before it is parsed (the HelloReply,
// which carries the forms, is not bounded by it).
inline constexpr uint32_t kMaxSmallFrameBytes = 64u << 10;
// PullRequest.own_digests (PROTOCOL.md, "Own changes not echoed"): a device
// with more records pending asks for full pages; a server refuses more.
inline constexpr uint32_t kMaxOwnDigests = 256;

// The limits a client may assume when it has learned none.
inline wardsync::sync::ServerLimits ProtocolMinimumLimits() {
  wardsync::sync::ServerLimits l;
  l.set_max_changesets_per_push(kMinChangeSetsPerPush);
  l.set_max_frame_bytes(kMinFrameBytes);
  l.set_max_changes_per_changeset(kMinChangesPerChangeSet);
  l.set_max_officer_bytes(kMinOfficerBytes);
  l.set_max_text_bytes(kMinTextBytes);
  l.set_max_fields_per_change(kMinFieldsPerChange);
  l.set_max_candidates_per_field(kMinCandidatesPerField);
  l.set_max_record_bytes(kMinRecordBytes);
  l.set_max_label_bytes(kMinLabelBytes);
  l.set_max_report_bytes(kMinReportBytes);
  l.set_max_changeset_bytes(kMinChangeSetBytes);
  l.set_max_first_frame_bytes(kMaxFirstFrameBytes);
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
  if (announced.max_officer_bytes() == 0) announced.set_max_officer_bytes(min.max_officer_bytes());
  if (announced.max_text_bytes() == 0) announced.set_max_text_bytes(min.max_text_bytes());
  if (announced.max_fields_per_change() == 0) announced.set_max_fields_per_change(min.max_fields_per_change());
  if (announced.max_candidates_per_field() == 0) announced.set_max_candidates_per_field(min.max_candidates_per_field());
  if (announced.max_record_bytes() == 0) announced.set_max_record_bytes(min.max_record_bytes());
  if (announced.max_label_bytes() == 0) announced.set_max_label_bytes(min.max_label_bytes());
  if (announced.max_report_bytes() == 0) announced.set_max_report_bytes(min.max_report_bytes());
  if (announced.max_changeset_bytes() == 0) announced.set_max_changeset_bytes(min.max_changeset_bytes());
  if (announced.max_first_frame_bytes() == 0) announced.set_max_first_frame_bytes(min.max_first_frame_bytes());
  return announced;  // the daily quotas stay as announced (0: none)
}

}  // namespace wardsync::wire

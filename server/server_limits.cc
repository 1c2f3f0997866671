#include "server/server_limits.h"

#include "common/wire/protocol_limits.h"

namespace wardsync::server {

wardsync::sync::ServerLimits Announced(const ServerLimits& limits) {
  wardsync::sync::ServerLimits a;
  a.set_max_changesets_per_push(limits.max_changesets_per_push);
  a.set_max_frame_bytes(limits.max_frame_bytes);
  a.set_max_changes_per_changeset(limits.max_changes_per_changeset);
  a.set_max_pull_records(limits.max_pull_records);
  a.set_max_officer_bytes(limits.max_officer_bytes);
  a.set_max_text_bytes(limits.max_text_bytes);
  a.set_max_fields_per_change(limits.max_fields_per_change);
  a.set_max_candidates_per_field(limits.max_candidates_per_field);
  a.set_max_record_bytes(limits.max_record_bytes);
  a.set_max_label_bytes(limits.max_label_bytes);
  a.set_max_report_bytes(limits.max_report_bytes);
  a.set_max_changeset_bytes(limits.max_changeset_bytes);
  a.set_max_changesets_per_day(limits.max_changesets_per_day);
  a.set_max_bytes_per_day(limits.max_bytes_per_day);
  a.set_max_first_frame_bytes(wire::kMaxFirstFrameBytes);
  return a;
}

Status CheckLimitsFit(const ServerLimits& l) {
  if (l.max_record_bytes > l.max_frame_bytes - kRecordFrameOverhead)
    return Status::Invalid("--max-record-bytes " + std::to_string(l.max_record_bytes) +
                           " does not fit a pull frame: at most --max-frame-bytes - " +
                           std::to_string(kRecordFrameOverhead) + " (" +
                           std::to_string(l.max_frame_bytes - kRecordFrameOverhead) + ")");
  if (l.max_changeset_bytes > l.max_frame_bytes / 2)
    return Status::Invalid("--max-changeset-bytes " + std::to_string(l.max_changeset_bytes) +
                           " does not fit a push frame: at most half of --max-frame-bytes (" +
                           std::to_string(l.max_frame_bytes / 2) + ")");
  return Status::Ok();
}

wire::ContentLimits ContentOf(const ServerLimits& limits) {
  wire::ContentLimits c;
  c.max_officer_bytes = limits.max_officer_bytes;
  c.max_text_bytes = limits.max_text_bytes;
  c.max_fields_per_change = limits.max_fields_per_change;
  c.max_changeset_bytes = limits.max_changeset_bytes;
  return c;
}

}  // namespace wardsync::server

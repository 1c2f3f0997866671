// Review of submissions (Change.Op REVIEW): a reviewer's verdict on a whole
// record (received / needs correction / approved) with a comment, kept on
// the record (RecordState.review, RecordState.comments) so it reaches the
// ward's devices by pull like any change.
//
// A REVIEW names the record version it judged (Change.base = the record's
// last_change). Applied:
// - every REVIEW appends a ReviewComment {verdict, comment, stamp};
// - if the record's last_change is still that version, the verdict becomes
//   the record's review state; otherwise the record changed under the
//   reviewer (an officer's edit crossed it) and only the comment is kept,
//   marked stale: an approval never covers values the reviewer did not see.
// A REVIEW changes no field, no conflict and not last_change (so it never
// turns an officer's later edit or delete into a concurrent one).
// Every other applied change (CREATE, UPDATE, DELETE, RESOLVE) returns a
// reviewed record to REVIEW_RECEIVED: "an edit after approval returns the
// record to received" (issue 12), and a correction sent back comes back for
// review.
//
// Pure logic, called by Apply (merge.h) on the server, in replay and on the
// client's own view.
#pragma once
#include <string_view>

#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/records.pb.h"

namespace wardsync::reconcile {

// Checks a REVIEW against the record (which must exist, not deleted): no
// field sets, a known verdict, a comment with REVIEW_NEEDS_CORRECTION.
Status ValidateVerdict(const records::RecordState& record, const changes::Change& change);
// Applies a validated REVIEW (see above).
void ApplyVerdict(records::RecordState& record, const changes::Change& change, const records::Stamp& stamp);
// After any other applied change: a reviewed record is received again.
void ResetVerdict(records::RecordState& record, const records::Stamp& stamp);

// "received" | "needs-correction" | "approved": how the CLI, JSON and the
// dashboard name a verdict.
const char* VerdictName(changes::ReviewStatus status);
// The inverse; false for any other text.
bool ParseVerdict(std::string_view text, changes::ReviewStatus* status);

}  // namespace wardsync::reconcile

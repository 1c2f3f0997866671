// Reconciliation: applies one change to one record, the same way on the
// server (for every accepted change) and on the client (to overlay its own
// pending changes on the server's view), so both compute the same state.
//
// Pure logic: no I/O, no clocks. See docs/DESIGN.md "Refuse or reject"
// and "Conflict kinds".
//
// Versions. A field's version is FieldState.stamp.change (device_id, seq); a
// field absent from RecordState.fields has the empty version ("never set").
// A field cleared by an UPDATE stays in the map with no value and the
// clearing stamp, so its version is kept. The record's version is
// last_change.change (the base of a DELETE).
//
// CREATE   the record must not exist (RecordState without record_id). Stores
//          record_id, form_id, form_version, ward, created, and every field
//          that carries a value (fields without a value are not stored).
// UPDATE   the record must exist, with the change's form_id and ward. Per
//          FieldSet f with base b:
//          - no open conflict on f, b == version(f): ordinary edit.
//          - no open conflict on f, b != version(f): opens a conflict
//            ConflictId(record, f) (suffixed "#2", "#3"... when that id was
//            used by an earlier, closed conflict) with candidates {current
//            value, its stamp, base unknown (empty)} and {new value, stamp, b};
//            base_value = lookup(b, f) when b is set.
//          - open conflict on f: the new value is added as a candidate (it
//            counts as `joined`; `concurrent` only when b != version(f)).
//          While a conflict is open the field holds the provisional value:
//          the Wins-maximum over the candidates that no other candidate
//          supersedes (candidate X is superseded by Y when Y.base ==
//          X.stamp.change, i.e. Y's editor saw X). This makes the provisional
//          value independent of arrival order; with causal HLC stamps an edit
//          that saw the provisional value always becomes the new provisional
//          value.
//          On a deleted record an UPDATE also opens/joins the whole-record
//          conflict (field "") with a candidate {deleted=false, stamp}; its
//          field values are applied as above so nothing is lost, and
//          `deleted` follows the provisional winner of the "" conflict.
//          form_version becomes max(record's, change's) (order-independent;
//          a change made against an older form never downgrades the record).
// DELETE   base b = the record version the editor saw. No sets allowed.
//          - open "" conflict: joins it with {deleted=true, stamp, b} (and,
//            when the record is live and b != last_change, with
//            {deleted=false, last_change} unless already a candidate);
//            deleted follows the provisional winner.
//          - b == last_change.change, or the record is already deleted:
//            deleted = true.
//          - otherwise: opens the "" conflict with {deleted=true, stamp, b}
//            and {deleted=false, last_change}; deleted follows the winner.
//          Field values are never erased (a delete is a tombstone).
// RESOLVE  conflict_id must name an open conflict of the record.
//          - field conflict: exactly one FieldSet, for the conflict's field;
//            the field gets that value (absent = cleared) with this stamp.
//          - whole-record conflict (field ""): either no FieldSet (keep the
//            record: deleted = false) or exactly one FieldSet named
//            kDeletedMarkerField ("__deleted") whose value is a boolean:
//            true = the record stays deleted, false = it is kept.
//          The conflict is closed: open = false, resolved_by = stamp,
//          reason = change.reason. Its candidates stay (history).
//          A RESOLVE of a conflict already closed (two reviewers decided
//          the same conflict without seeing each other) changes no value:
//          the first decision stands and this one is appended to the
//          conflict's late_resolutions (outcome.superseded). Refusing it
//          would block the resolver's hash chain for good. The front ends
//          (wardsync resolve, wardsync-server resolve) still refuse to make
//          a resolution of a conflict they know is closed.
// REVIEW   a reviewer's verdict on the record (common/reconcile/verdict.h):
//          appends to RecordState.comments, sets RecordState.review when
//          its base is still last_change; changes no field, conflict, nor
//          last_change. Every other applied change resets a verdict to
//          REVIEW_RECEIVED.
//
// Review conflicts (common/reconcile/review.h has the details):
// - A placeholder record (RecordState.placeholder: it only holds REJECTED
//   conflicts) does not exist for CREATE, UPDATE and DELETE. A CREATE of it,
//   or an UPDATE (which then acts as the CREATE), becomes its creation and
//   keeps its conflicts; a DELETE is "record does not exist".
// - Every applied CREATE/UPDATE closes the record's open REJECTED conflicts
//   (the officer's fix): resolved_by = stamp, reason "superseded by
//   <device>/<seq>".
// - RESOLVE of a REJECTED conflict: no FieldSet (dismiss) or field sets
//   applied as they are (not on a placeholder); closes it.
// - RESOLVE of a RULE conflict: one or more FieldSets, each for a field the
//   rule names, applied as they are; it closes the conflict only if the
//   record then satisfies the rule (with no RuleCheck: always).
// - With a RuleCheck, after every applied change to a live record: an open
//   RULE conflict whose rule now holds is closed by an edit that saw the
//   whole record (CREATE, or UPDATE whose base is last_change); every broken
//   rule without an open RULE conflict opens one. Whether an edit that saw
//   the whole record may break a rule at all is the caller's decision
//   (ingest rejects it).
//
// Every applied change but REVIEW sets last_change = stamp; every one sets log_seq = log_seq.
// Conflict candidates are kept sorted by the Wins order (oldest first, the
// strongest last); a candidate is never removed.
//
// Errors (the record is left unchanged, byte for byte):
//   kInvalidArgument     malformed change or stamp; wrong form or ward;
//                        bad RESOLVE sets
//   kAlreadyExists       "record <hex> already exists" (CREATE)
//   kFailedPrecondition  "record <hex> does not exist",
//                        "conflict <id> does not exist"
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/changes/deleted_marker.h"
#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/records.pb.h"

namespace wardsync::reconcile {

// Name of the only FieldSet a RESOLVE of a whole-record conflict may carry
// (defined with the Change format in common/changes/deleted_marker.h).
using changes_util::kDeletedMarkerField;

struct ApplyOutcome {
  std::vector<std::string> opened;  // conflict ids opened by this change
  std::vector<std::string> joined;  // open conflicts this change added a candidate to
  std::vector<std::string> closed;  // conflicts closed (RESOLVE)
  std::vector<std::string> superseded;  // closed conflicts this late RESOLVE was recorded on
  bool concurrent = false;          // true if any part of the change did not see the current state
  bool saw_record = false;          // CREATE, or an UPDATE whose base was the record's last_change
};

// A form rule the record breaks (what a RULE conflict names): `rule` is a
// stable text of the rule, `fields` the fields it names.
struct RuleBreak {
  std::string rule;
  std::vector<std::string> fields;
};
// The rules `record` breaks, per its form (empty when none or unknown).
// Pure function of the record; may be an empty std::function (no rule
// review: the client's own view).
using RuleCheck = std::function<std::vector<RuleBreak>(const records::RecordState& record)>;

// Looks up the value a field had at a given version (for the conflict's base
// value). May return nullopt; may be an empty std::function.
using BaseLookup = std::function<std::optional<changes::Value>(const changes::ChangeId& version,
                                                               const std::string& field)>;

// Applies one change to `record` in place. `record` is empty (default
// RecordState, no record_id) when the record does not exist yet. `stamp` is
// who/when of this change (change id = (device, seq), hlc, officer,
// received_ms). `log_seq` is the server log position (0 on the client).
// On error `record` is unchanged.
Result<ApplyOutcome> Apply(records::RecordState& record, const changes::Change& change,
                           const records::Stamp& stamp, uint64_t log_seq, const BaseLookup& lookup,
                           const RuleCheck& rules = {});

// True if the record exists for CREATE/UPDATE/DELETE: it has an id and is
// not a placeholder.
bool Exists(const records::RecordState& record);

// Deterministic provisional winner order: true if `a` beats `b`: higher hlc,
// then higher device_id (byte compare), then higher seq. Strict (Wins(a, a)
// is false).
bool Wins(const records::Stamp& a, const records::Stamp& b);

// hex(record id) + ":" + field (field "" = the whole record).
std::string ConflictId(std::string_view record_id_raw, std::string_view field);

// The open VALUES conflict on `field` ("" = whole record), or nullptr.
const records::Conflict* FindOpenConflict(const records::RecordState& record, std::string_view field);

}  // namespace wardsync::reconcile

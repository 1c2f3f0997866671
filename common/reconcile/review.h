// Review conflicts: what the server keeps for a reviewer besides competing
// values (records.proto ConflictKind).
//
// REJECTED  a change that is signed and chained, so it entered the device's
//           chain and the log, but could not be applied (unknown form or
//           ward, invalid value, a broken rule the editor saw, "record does
//           not exist"...). Reject() keeps it on its record, creating a
//           placeholder record when there is none, so it reaches the ward's
//           devices and reviewers by pull like any change. Closed by the
//           next applied CREATE/UPDATE of the record or a reviewer's RESOLVE
//           (see merge.h).
// RULE      merged edits that did not see each other leave the record
//           breaking a form rule. Opened and closed by Apply when given a
//           RuleCheck (see merge.h).
//
// Pure logic, shared by server ingest, the server's replay (history,
// verify) and the client's view.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "common/reconcile/merge.h"
#include "proto/changes.pb.h"
#include "proto/records.pb.h"

namespace wardsync::reconcile {

// <record hex>:rejected:<device>:<seq>:<change index>
std::string RejectedConflictId(std::string_view record_id_raw, const changes::ChangeId& change,
                               uint32_t change_index);
// <record hex>:rule
std::string RuleConflictId(std::string_view record_id_raw);

// Keeps change number `change_index` of change-set `stamp.change` as an open
// REJECTED conflict on `record` (problem = reason, fields = the fields the
// change sets, rejected_change = the change as sent, candidates[0] = {stamp},
// no value). An empty record becomes a placeholder (record_id, form_id,
// ward of the change). Sets record.log_seq; field values, last_change and
// every other conflict are untouched. Never fails.
ApplyOutcome Reject(records::RecordState& record, const changes::Change& change, const records::Stamp& stamp,
                    uint32_t change_index, uint64_t log_seq, std::string_view reason);

// Open conflicts of one kind.
size_t OpenConflictsOfKind(const records::RecordState& record, records::ConflictKind kind);

}  // namespace wardsync::reconcile

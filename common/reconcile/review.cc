#include "common/reconcile/review.h"

#include <algorithm>

#include "common/reconcile/internal.h"

namespace wardsync::reconcile {

using records::Conflict;
using records::RecordState;

std::string RejectedConflictId(std::string_view record_id_raw, const changes::ChangeId& change,
                               uint32_t change_index) {
  return ConflictId(record_id_raw, "rejected:" + change.device_id() + ":" + std::to_string(change.seq()) + ":" +
                                       std::to_string(change_index));
}

std::string RuleConflictId(std::string_view record_id_raw) { return ConflictId(record_id_raw, "rule"); }

ApplyOutcome Reject(RecordState& record, const changes::Change& change, const records::Stamp& stamp,
                    uint32_t change_index, uint64_t log_seq, std::string_view reason) {
  ApplyOutcome out;
  if (record.record_id().empty()) {
    record.Clear();
    record.set_record_id(change.record_id());
    record.set_form_id(change.form_id());
    record.set_ward(change.ward());
    record.set_placeholder(true);
  }
  Conflict c;
  c.set_id(internal::UniqueConflictId(record, RejectedConflictId(record.record_id(), stamp.change(), change_index)));
  c.set_kind(records::REJECTED);
  c.set_open(true);
  c.set_opened_seq(log_seq);
  c.set_problem(std::string(reason));
  for (const auto& fs : change.sets()) {
    if (std::find(c.fields().begin(), c.fields().end(), fs.field()) == c.fields().end()) c.add_fields(fs.field());
  }
  *c.mutable_rejected_change() = change;
  *c.add_candidates()->mutable_stamp() = stamp;
  out.opened.push_back(c.id());
  *record.add_conflicts() = std::move(c);
  record.set_log_seq(log_seq);
  return out;
}

size_t OpenConflictsOfKind(const RecordState& record, records::ConflictKind kind) {
  size_t n = 0;
  for (const auto& c : record.conflicts()) n += (c.open() && c.kind() == kind) ? 1 : 0;
  return n;
}

}  // namespace wardsync::reconcile

#include "common/reconcile/verdict.h"

#include "common/reconcile/internal.h"

namespace wardsync::reconcile {

using changes::Change;
using changes::ReviewStatus;

Status ValidateVerdict(const records::RecordState& r, const Change& change) {
  const std::string hex = internal::Hex(change.record_id());
  if (r.deleted()) return Status::Precondition("REVIEW of record " + hex + ": the record is deleted");
  if (change.sets_size() != 0) return Status::Invalid("REVIEW of record " + hex + " carries field sets");
  if (!changes::ReviewStatus_IsValid(change.review())) {
    return Status::Invalid("REVIEW of record " + hex + ": unknown verdict " + std::to_string(change.review()));
  }
  if (change.review() == changes::REVIEW_NEEDS_CORRECTION && change.comment().empty()) {
    return Status::Invalid("REVIEW of record " + hex + ": sending a record back needs a comment for the ward");
  }
  return Status::Ok();
}

void ApplyVerdict(records::RecordState& r, const Change& change, const records::Stamp& stamp) {
  records::ReviewComment* entry = r.add_comments();
  entry->set_status(change.review());
  entry->set_text(change.comment());
  *entry->mutable_stamp() = stamp;
  if (!internal::SameVersion(change.base(), r.last_change().change())) {
    entry->set_stale(true);
    return;
  }
  records::ReviewState* review = r.mutable_review();
  review->set_status(change.review());
  *review->mutable_stamp() = stamp;
  *review->mutable_reviewed() = change.base();
}

void ResetVerdict(records::RecordState& r, const records::Stamp& stamp) {
  if (!r.has_review() || r.review().status() == changes::REVIEW_RECEIVED) return;
  records::ReviewState* review = r.mutable_review();
  review->set_status(changes::REVIEW_RECEIVED);
  *review->mutable_stamp() = stamp;
  review->clear_reviewed();
}

const char* VerdictName(ReviewStatus status) {
  switch (status) {
    case changes::REVIEW_NEEDS_CORRECTION: return "needs-correction";
    case changes::REVIEW_APPROVED: return "approved";
    default: return "received";
  }
}

bool ParseVerdict(std::string_view text, ReviewStatus* status) {
  for (ReviewStatus s : {changes::REVIEW_RECEIVED, changes::REVIEW_NEEDS_CORRECTION, changes::REVIEW_APPROVED}) {
    if (text == VerdictName(s)) {
      *status = s;
      return true;
    }
  }
  return false;
}

}  // namespace wardsync::reconcile

// Deterministic order of stamps and conflict candidates, and the provisional
// winner of a conflict.
#include <algorithm>

#include "common/reconcile/internal.h"
#include "common/reconcile/merge.h"

namespace wardsync::reconcile {

bool Wins(const records::Stamp& a, const records::Stamp& b) {
  if (a.hlc() != b.hlc()) return a.hlc() > b.hlc();
  // std::string compares as unsigned bytes (char_traits<char>).
  const int c = a.change().device_id().compare(b.change().device_id());
  if (c != 0) return c > 0;
  return a.change().seq() > b.change().seq();
}

namespace internal {

bool IsEmpty(const changes::ChangeId& id) { return id.device_id().empty() && id.seq() == 0; }

bool SameVersion(const changes::ChangeId& a, const changes::ChangeId& b) {
  return a.device_id() == b.device_id() && a.seq() == b.seq();
}

bool CandidateBelow(const records::Candidate& a, const records::Candidate& b) {
  if (Wins(b.stamp(), a.stamp())) return true;
  if (Wins(a.stamp(), b.stamp())) return false;
  if (a.deleted() != b.deleted()) return b.deleted();
  if (a.has_value() != b.has_value()) return b.has_value();
  // Value has no map fields, so its encoding is deterministic.
  return a.value().SerializeAsString() < b.value().SerializeAsString();
}

void InsertCandidate(records::Conflict& conflict, records::Candidate c) {
  auto* cands = conflict.mutable_candidates();
  auto pos = std::upper_bound(cands->begin(), cands->end(), c,
                              [](const records::Candidate& x, const records::Candidate& y) {
                                return CandidateBelow(x, y);
                              });
  const int index = static_cast<int>(pos - cands->begin());
  *cands->Add() = std::move(c);
  // Rotate the new last element into place.
  for (int i = cands->size() - 1; i > index; --i) cands->SwapElements(i, i - 1);
}

static bool Superseded(const records::Conflict& conflict, int i) {
  const auto& id = conflict.candidates(i).stamp().change();
  if (IsEmpty(id)) return false;
  for (int j = 0; j < conflict.candidates_size(); ++j) {
    if (j == i) continue;
    const auto& base = conflict.candidates(j).base();
    if (!IsEmpty(base) && SameVersion(base, id)) return true;
  }
  return false;
}

int ProvisionalWinner(const records::Conflict& conflict) {
  int best = -1;
  for (int i = 0; i < conflict.candidates_size(); ++i) {
    if (Superseded(conflict, i)) continue;
    if (best < 0 || CandidateBelow(conflict.candidates(best), conflict.candidates(i))) best = i;
  }
  if (best >= 0) return best;
  // Only possible with a cycle of bases (bogus input): take the overall max.
  for (int i = 0; i < conflict.candidates_size(); ++i) {
    if (best < 0 || CandidateBelow(conflict.candidates(best), conflict.candidates(i))) best = i;
  }
  return best;
}

bool HasCandidateFrom(const records::Conflict& conflict, const changes::ChangeId& change) {
  for (const auto& c : conflict.candidates()) {
    if (SameVersion(c.stamp().change(), change)) return true;
  }
  return false;
}

}  // namespace internal
}  // namespace wardsync::reconcile

// Helpers shared by the reconcile implementation files. Not a public API.
#pragma once
#include <string>
#include <string_view>

#include "proto/changes.pb.h"
#include "proto/records.pb.h"

namespace wardsync::reconcile::internal {

bool IsEmpty(const changes::ChangeId& id);
// Equal device and seq; two empty ids are equal.
bool SameVersion(const changes::ChangeId& a, const changes::ChangeId& b);
std::string Hex(std::string_view raw);

// Total order on candidates: true if `a` ranks below `b`. Wins on the
// stamps; identical stamps (two changes of one change-set) fall back to
// `deleted` and the value bytes so the order never depends on arrival.
bool CandidateBelow(const records::Candidate& a, const records::Candidate& b);
// Inserts `c` keeping candidates sorted by CandidateBelow (stable).
void InsertCandidate(records::Conflict& conflict, records::Candidate c);
// Index of the provisional winner: the CandidateBelow-maximum over the
// candidates no other candidate supersedes (Y supersedes X when Y.base is
// X's change id). Falls back to all candidates if none qualifies. -1 if none.
int ProvisionalWinner(const records::Conflict& conflict);
bool HasCandidateFrom(const records::Conflict& conflict, const changes::ChangeId& change);

records::Conflict* FindOpenConflictMutable(records::RecordState& record, std::string_view field);
const records::Conflict* FindConflictById(const records::RecordState& record, std::string_view id);
records::Conflict* FindConflictByIdMutable(records::RecordState& record, std::string_view id);
// ConflictId(record, field), or with "#2", "#3"... if that id is taken.
std::string NewConflictId(const records::RecordState& record, std::string_view field);
// `base`, or with "#2", "#3"... if that id is taken.
std::string UniqueConflictId(const records::RecordState& record, const std::string& base);

}  // namespace wardsync::reconcile::internal

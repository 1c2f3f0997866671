// The review view of one conflict, the same in both binaries: `wardsync
// conflicts` and `wardsync-server conflicts` print this text and this JSON
// schema, for every kind (values, rule, rejected). One conflict object:
//   id, kind ("values"|"rule"|"rejected"), record, form, form_version, ward,
//   placeholder (the record was never created), field, open, opened_seq,
//   base (VALUES), candidates [{number, value|action, device, seq, officer,
//   hlc, time, received}] (VALUES; REJECTED: the change's stamp),
//   problem (RULE: the rule; REJECTED: why), fields [names],
//   values {field: current value} (RULE), rejected_change {op, device, seq,
//   officer, time, received, sets: [{field, value}]} (REJECTED),
//   resolved_by, reason (when closed).
#pragma once
#include <ostream>
#include <string>

#include "common/util/json_writer.h"
#include "proto/changes.pb.h"
#include "proto/records.pb.h"

namespace wardsync::render {

// "values" | "rule" | "rejected".
const char* ConflictKindName(wardsync::records::ConflictKind kind);
// "CREATE" | "UPDATE" | "DELETE" | "RESOLVE" | "?".
const char* ChangeOpName(wardsync::changes::Change::Op op);
// "keep the record" / "delete the record" / the value / "(empty)".
std::string CandidateText(const wardsync::records::Conflict& c, const wardsync::records::Candidate& cand);
// One line saying what the conflict is about, e.g. "field votes",
// "rule agree <= attended", "rejected UPDATE: form x: field ... out of range".
std::string ConflictSummary(const wardsync::records::Conflict& c);

void ConflictText(const wardsync::records::RecordState& record, const wardsync::records::Conflict& c,
                  std::ostream& out);
void ConflictReviewJson(const wardsync::records::RecordState& record, const wardsync::records::Conflict& c,
                        util::JsonWriter& w);

}  // namespace wardsync::render

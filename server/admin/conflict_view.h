// How the review commands show one conflict: the record, form, ward, field,
// base value and every candidate numbered as `resolve --pick N` takes them,
// with device, officer, HLC time and server receive time.
#pragma once
#include <ostream>
#include <string>

#include "common/util/json_writer.h"
#include "proto/records.pb.h"

namespace wardsync::server {

void ConflictText(const wardsync::records::RecordState& record, const wardsync::records::Conflict& c,
                  std::ostream& out);
void ConflictJsonFull(const wardsync::records::RecordState& record, const wardsync::records::Conflict& c,
                      util::JsonWriter& w);
// "keep the record" / "delete the record" / the value / "(empty)".
std::string CandidateText(const wardsync::records::Conflict& c, const wardsync::records::Candidate& cand);

}  // namespace wardsync::server

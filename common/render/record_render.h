// How records, fields and conflicts are shown by both binaries, as text and
// as JSON, so the server's and the client's views read the same.
#pragma once
#include <ostream>
#include <string>

#include "common/util/json_writer.h"
#include "proto/records.pb.h"

namespace wardsync::render {

std::string TimeMs(uint64_t ms);                          // ISO 8601 UTC, "" for 0
std::string StampText(const wardsync::records::Stamp& s); // "device:seq officer 2026-..."
std::string HlcTime(uint64_t hlc);                        // the HLC's wall-clock part, ISO 8601

// One line: id, ward, form@version, state, field=value...
void RecordLine(const wardsync::records::RecordState& r, std::ostream& out);
// Several lines: header, each field (with its conflict, if any), closed conflicts.
void RecordDetail(const wardsync::records::RecordState& r, std::ostream& out);
void ConflictDetail(const wardsync::records::Conflict& c, std::ostream& out, const std::string& indent);

void RecordJson(const wardsync::records::RecordState& r, util::JsonWriter& w);
void ConflictJson(const wardsync::records::Conflict& c, util::JsonWriter& w);
void StampJson(const wardsync::records::Stamp& s, util::JsonWriter& w);

size_t OpenConflicts(const wardsync::records::RecordState& r);
// "RULE BROKEN: <rule>; REJECTED: <why>" for the record's open RULE and
// REJECTED conflicts ("" when none): how listings mark a record whose values
// must not be taken at face value.
std::string ReviewMark(const wardsync::records::RecordState& r);

// Review of submissions (common/reconcile/verdict.h): "approved",
// "needs-correction: <the comment that sent it back>", "received".
std::string VerdictText(const wardsync::records::RecordState& r);
void CommentLine(const wardsync::records::ReviewComment& c, std::ostream& out, const std::string& indent);
// Members "review": {status, by} and "comments": [{status, text, stale, by}].
void ReviewJson(const wardsync::records::RecordState& r, util::JsonWriter& w);

}  // namespace wardsync::render

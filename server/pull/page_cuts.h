// Cut points: log positions where a multi-page pull ends a page whatever
// the device's cursor, so that devices of one ward pulling the same range
// get the same pages after their first one, and a page can be encoded and
// compressed once for all of them (shared_pages.h). A ward log entry whose
// seq hashes to 0 mod kCutEvery is a cut point: the rule needs no state and
// gives every device the same points.
//
// The rule (EndAtFirstCut): a page read from any cursor that would end with
// `more` anyway (the byte or record bound was reached before the head) ends
// instead at the first cut point it covers, if any. A pull that fits one
// page is never cut: a small sync stays one round trip (bench S3).
#pragma once
#include <cstdint>

#include "server/pull/pull_reader.h"

namespace wardsync::server {

// ~256 ward log entries a segment: a 256 KiB page holds ~400 voter-meeting
// records, so most segments are one page, and a 1,250-record pull (bench
// S4) is ~6 pages instead of ~4.
inline constexpr uint64_t kCutEvery = 256;

bool IsCutPoint(uint64_t seq);

// With page and trace from ReadPullRaw(..., trace, IsCutPoint): drops what
// the page holds after trace.first_cut and ends it there (more = true).
// True if the page was cut (ends at a cut point before its byte bound).
// trace.met is kept whole: a reader that reuses the page must still see
// that the page would be cut, i.e. that the records up to stop_seq are unchanged.
bool EndAtFirstCut(RawPullPage& page, RawPullPage::Trace& trace, uint64_t log_head);

}  // namespace wardsync::server

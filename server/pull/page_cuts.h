// Cut points: log positions where a long pull ends a page whatever the
// device's cursor, so that devices of one ward pulling the same range get
// the same pages after their first one, and a page can be encoded and
// compressed once for all of them (shared_pages.h). A ward log entry whose
// seq hashes to 0 mod kCutEvery is a cut point: the rule needs no state and
// gives every device the same points.
//
// The rule (ReadPullRaw with IsCutPoint and kCutMinEntries): a page ends at
// the first cut point it covers if the ward log holds at least
// kCutMinEntries entries after the cursor up to the head, and the cut point
// is among the first kCutMinEntries - 1 of them. It depends on the log's
// entries only (which never change), not on the records' sizes, so the
// reader need not read past the cut point to decide. A pull of fewer
// entries is never cut: a small sync stays one round trip (bench S3).
#pragma once
#include <cstdint>

namespace wardsync::server {

// ~256 ward log entries a segment: a 256 KiB page holds ~400 voter-meeting
// records, so most segments are one page; a 1,250-record pull (bench S4)
// is ~6 pages instead of ~4.
inline constexpr uint64_t kCutEvery = 256;
inline constexpr uint64_t kCutMinEntries = 256;

bool IsCutPoint(uint64_t seq);

// Fine points (issue 15, session 12): the entries whose seq hashes to 0 mod
// kFineEvery, the cut points among them (256 is a multiple of 16). They
// never end a page: the log between two consecutive fine points of a ward
// is a piece (shared_pages.h) that a page read from any cursor may take
// whole from the cache, so only ~2 x 16 entries a pull are read for one
// device alone (its cursor to the first fine point, the last one to the
// head) instead of ~2 x 256.
inline constexpr uint64_t kFineEvery = 16;
bool IsFinePoint(uint64_t seq);

}  // namespace wardsync::server

// Encodes a pull page as the payload of a sync.Frame holding a PullBatch,
// straight from the stored record bytes: a RecordState is stored as its
// serialized bytes, and a repeated message field on the wire is those bytes
// behind a tag and a length, so nothing is parsed or re-serialized. Clients
// read it as any Frame; it is what Frame::SerializeToString would produce.
#pragma once
#include <string>

#include "server/pull/own_echo_page.h"
#include "server/pull/pull_reader.h"

namespace wardsync::server {

// Consumes page.records (their bytes move into the payload).
std::string EncodePullFrame(RawPullPage& page);
// Frame{pull_batch{records}} of n stored records, copied (a piece or a part
// of a spliced page: shared_pages.h).
std::string EncodeRecordsFrame(const std::string* records, size_t n);

struct EncodedPullPage {
  std::string payload;   // a serialized sync.Frame
  uint64_t records = 0;
  std::vector<RawPullPage::Skipped> skipped;  // left out: quarantined or larger than a frame can carry
};
// A page's bytes, whatever the frame limit: a connection holds its page until
// the client has read it, and 2,000 devices pulling at once (bench S4) held
// up to a megabyte each. 256 KiB is ~400 voter-meeting records.
inline constexpr uint32_t kMaxPullPageBytes = 256u << 10;
// The bounds ReadPullFrame reads a page with: `budget` for the records'
// encoded bytes, `one` for a single record (pull_reader.h max_record_bytes).
struct PageBounds {
  uint64_t budget;
  uint64_t one;
};
PageBounds PullPageBounds(uint32_t max_frame_bytes, uint64_t max_record_bytes);

// ReadPullRaw + EncodePullFrame. The payload stays within
// min(max_frame_bytes, kMaxPullPageBytes) (less a little for the batch's own
// fields), unless one record alone is larger; it never exceeds
// max_frame_bytes: a record too large for that is skipped (pull_reader.h).
// A record whose stored bytes exceed max_record_bytes (or do not fit
// max_frame_bytes) is skipped. With `own`, the device's own records it
// already holds are left out (own_echo_page.h; `records` counts those sent).
Result<EncodedPullPage> ReadPullFrame(KvReader& store, const std::string& scope_ward, uint64_t cursor,
                                      uint32_t max_records, uint32_t max_frame_bytes, uint64_t log_head,
                                      uint64_t max_record_bytes = UINT64_MAX, const OwnEchoAsk* own = nullptr);

}  // namespace wardsync::server

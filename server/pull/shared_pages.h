// Pull pages shared by the devices of a ward (issue 15): a page that
// starts where several devices' pulls pass (a cut point, page_cuts.h, or
// where a cached page ended by its byte or record bound) is read, encoded and
// zstd-compressed once, and each device gets that compressed frame with its
// own tail (cursor, more, remaining) spliced on as a raw zstd block
// (wire::ZstdAppendRaw): the records part is a Frame{pull_batch{records}},
// the tail a second Frame{pull_batch{cursor, more, remaining}}, and protobuf
// merges the two occurrences into the page the device would get anyway.
// A client sees one compressed frame; protobuf merges the two occurrences
// (PROTOCOL.md, Compression: a hand-written scanner must read both).
//
// A device gets the cached page only when a read of its own would give
// exactly that page (the one-Get-per-record rule, pull_reader.h):
//  - same scope, start, record/frame/record-size limits (the key);
//  - its head is at or past the entry that ended the cached read
//    (stop_seq), so its own read would be cut the same way;
//  - the same quarantined records (quar/ read in the device's view);
//  - none of the records the cached read met (up to stop_seq) was written
//    after stop_seq in the device's view: looked up in the ward's window
//    of recent writes (Recent, brought up to the device's view first), or
//    for a page older than the window, the ward log after the last checked
//    position is scanned for them (a record's every write is a ward log
//    entry of its ward, at the log_seq it gives the record; records that
//    can change ward, placeholders, and records named by the log but not
//    stored keep a page out of the cache). When a page or piece is filled,
//    the records it read say that themselves: none has a log_seq after its
//    end in the view it was read in, so no scan of the log after it is
//    needed (one per piece made a long pull quadratic in the log);
//  - the device can have no own-echo candidate on it (own_echo_page.h): its
//    first own change-set in the asked range was committed after stop_seq,
//    so no record on the page carries one of its stamps. (A device's
//    digests are of records its pending change-sets wrote, which carry
//    those stamps: client/sync/own_echo_client.h. A digest of a record
//    without them, which no client sends, leaves nothing out of a shared
//    page: the device gets the record in full, as with no digest.)
// Otherwise the page is read as before (with the same cut), and sent as
// before; the read may refill the cache.
//
// Pieces (session 12): the first page of a pull starts at the device's own
// cursor and its last ends at its own head, so neither is shared as a
// whole. Their reads take from the cache the pieces of the log between two
// consecutive fine points (page_cuts.h; page_runs.h says when a read may
// take one), kept the same way as pages (compressed once, checked fresh
// with the ward log), and keep the pieces they read themselves. Such a page
// is one zstd frame spliced from the pieces' compressed blocks and the
// device's own parts (wire::ZstdSplice): each piece and part a pull_batch
// occurrence of its own, merged by protobuf into the page a read from the
// cursor gives. Such a page is cached whole as above only while the cache
// is less than half full: keeping both, the cache holds each ward's pulls
// twice, and with bench S4's 32 wards no longer held them.
//
// Only for ward scopes and peers that negotiated compression (pieces:
// and a frame limit with room for the splice's few hundred bytes). Bounded
// in bytes; oldest pages and pieces out first.
#pragma once
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "common/store/kv_store.h"
#include "server/pull/own_echo_page.h"
#include "server/pull/pull_frame.h"

namespace wardsync::server {

struct PullAsk {
  std::string scope_ward;       // "" = every ward (never shared)
  uint64_t cursor = 0;
  uint32_t max_records = 0;
  uint32_t max_frame_bytes = 0;
  uint64_t log_head = 0;
  uint64_t max_record_bytes = UINT64_MAX;
  const OwnEchoAsk* own = nullptr;  // null or empty: none
  bool compressed = false;          // the peer negotiated compression
};

class SharedPullPages {
 public:
  // 16 MiB: a compressed page is ~60 KB; a ward's pulls pass ~5 pages.
  // (The server's is ServerLimits::shared_pages_bytes, `run --shared-pages-mb`.)
  static constexpr size_t kDefaultBytes = 16u << 20;
  explicit SharedPullPages(size_t max_bytes = kDefaultBytes) : max_bytes_(max_bytes) {}

  // ReadPullFrame with cut points and sharing. The payload is an envelope
  // (wire::IsEnvelope) when it came from the cache or was cached; the
  // caller queues it as it is. Thread-safe (store pool threads).
  Result<EncodedPullPage> Read(KvReader& view, const PullAsk& ask);

  struct Stats {
    uint64_t hits = 0, misses = 0, fills = 0, stale = 0;
    uint64_t piece_hits = 0, piece_fills = 0;  // pieces (included in stale)
  };
  Stats stats();
  size_t bytes();

  // Record ids, looked up by the bytes of a log entry without a string each.
  struct IdHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using IdSet = std::unordered_set<std::string, IdHash, std::equal_to<>>;

 private:
  struct Page;
  struct PieceSource;
  // A ward's last kRecentEntries log entries (record ids hashed: a
  // collision only makes a page look written), so that a cached page or
  // piece is checked by a lookup per record instead of a scan of the log
  // after it for each page and each device.
  struct Recent {
    uint64_t from = 0, through = 0;                       // holds the entries in (from, through]
    std::unordered_map<uint64_t, uint64_t> last;          // hash of a record id -> its last seq
    std::deque<std::pair<uint64_t, uint64_t>> order;      // (seq, hash), oldest first
  };
  static constexpr size_t kRecentEntries = 2048;
  // Whether no record of `ids` was written after `stop` in the view (a
  // write after the view counts too: the page is then read again). From the
  // ward's recent writes, or else by scanning the log after `checked`, a
  // position up to which that is known, moved forward.
  // *caught_up: the window already holds this view's entries (set after
  // the first call for a view: a view does not change).
  // `records_say`, for a page or piece just read in this view (older than
  // the window): whether its records were written after `stop`, from their
  // own log_seq (nullopt: they cannot all say); asked before the log is
  // scanned.
  using RecordsSay = std::function<std::optional<bool>()>;
  Result<bool> Unwritten(KvReader& view, const std::string& scope, const std::string& prefix, uint64_t log_head,
                         uint64_t stop, const std::vector<std::string>& ids, std::atomic<uint64_t>& checked,
                         bool* caught_up, const RecordsSay& records_say = nullptr);
  using Key = std::tuple<std::string, uint64_t, uint32_t, uint32_t, uint64_t>;
  std::shared_ptr<Page> Find(const Key& key);
  void Drop(const Key& key, const std::shared_ptr<Page>& page);
  void Insert(const Key& key, std::shared_ptr<Page> page);
  void Count(uint64_t Stats::*counter);
  bool Roomy();  // less than half full
  // The piece of a segment a read went through (pull_reader.h), kept if
  // it may be shared; null if not.
  Result<std::shared_ptr<const Page>> FillPiece(KvReader& view, PieceSource& source, const RawPullPage& raw,
                                                const RawPullPage::Trace& trace, const RawPullPage::Segment& seg);
  // Where a cached page ended by its byte or record bound: the next page
  // of every device that took it starts there, as at a cut point.
  bool SplitPoint(const std::string& scope, uint64_t seq);
  void Forget(const Key& key, const Page& page);  // mu_ held

  const size_t max_bytes_;
  std::mutex mu_;
  std::map<Key, std::shared_ptr<Page>> pages_;
  std::list<Key> order_;  // oldest first
  std::multiset<std::pair<std::string, uint64_t>> split_ends_;  // (scope, end) of cached split pages
  size_t bytes_ = 0;
  Stats stats_;
  std::mutex recent_mu_;
  std::map<std::string, Recent> recent_;  // by ward
  std::atomic<size_t> recent_bytes_{0};   // counted against max_bytes_ with the pages
};

}  // namespace wardsync::server

#include "server/pull/pull_reader.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/store/proto_io.h"
#include "proto/store.pb.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

// One scan of the scope's log after the cursor. Each record is read once,
// before it joins the page, so its size is known.
namespace {

// The quarantined record ids: a handful at most, read once per page (one
// seek when there are none) instead of one lookup per record.
Result<std::unordered_set<std::string>> Quarantined(KvReader& store) {
  std::unordered_set<std::string> ids;
  auto it = store.Scan(keys::kQuarantinePrefix);
  for (; it->Valid(); it->Next()) ids.insert(std::string(it->key().substr(keys::kQuarantinePrefix.size())));
  WS_RETURN_IF_ERROR(it->status());
  return ids;
}

// Records read in one MultiGet (one statement on PostgreSQL).
constexpr size_t kReadAheadBatch = 64;

}  // namespace

Result<RawPullPage> ReadPullRaw(KvReader& store, const std::string& scope_ward, uint64_t cursor, uint32_t max_records,
                                uint64_t max_bytes, uint64_t log_head, uint64_t max_record_bytes,
                                RawPullPage::Trace* trace, bool (*is_cut)(uint64_t), uint64_t cut_min_entries,
                                RunSource* runs) {
  auto held = Quarantined(store);
  if (!held.ok()) return held.status();
  RawPullPage page;
  page.cursor = cursor;
  if (max_records == 0) max_records = 1;
  if (!trace) runs = nullptr;  // a run's entries are counted in the trace
  const bool all = scope_ward.empty();
  const std::string prefix = all ? std::string(keys::kLogPrefix) : keys::WardLogPrefix(scope_ward);
  auto it = store.Scan(prefix, wardsync::keys::WithU64(prefix, cursor + 1));

  // The log is read ahead in batches: entries until as many records not
  // yet met on the page are named as the page has room for (plus the entry
  // naming one more, not read), and those records are read in one MultiGet
  // (on PostgreSQL one statement instead of one per record). Then the
  // batch's entries are taken in log order exactly as if each record were
  // read when first met. With runs, a batch also ends at a boundary, so
  // that nothing past it is read before a run is asked for.
  //
  // Every record key is built once per page, when its record is first met
  // (S4 pulls ~1,250 records a sync: a string or map node per entry and
  // step was ~13% of the server's instructions). A record met again on the
  // page only moves the cursor: its first entry either put it on the page,
  // skipped it, or ended the page.
  std::deque<std::string> met_keys;  // rec/<id> of each record met on the page
  // Views of met_keys (a deque never moves its elements), each with the
  // segment it was first met in.
  std::unordered_map<std::string_view, uint32_t> met;
  met.reserve(std::min<size_t>(max_records, 1024));  // a 256 KiB page holds ~400 records: no rehash on the way
  const size_t id_at = keys::kRecordPrefix.size();
  struct Entry {
    uint64_t seq;
    const std::string* first = nullptr;  // the record's key if this entry is the first to name it
    int slot = -1;                       // its value in `values` (-1: not read ahead)
    bool earlier = false;                // names a record first met in an earlier segment
  };
  std::vector<Entry> ahead;
  std::vector<std::string> batch_keys;
  std::vector<std::optional<std::string>> values;
  std::string key;  // reused for every entry
  bool log_done = false;
  Status look_error;        // of the cut rule's look-ahead
  uint64_t run_records = 0;  // records of the runs taken (not in page.records)
  const auto taken = [&] { return page.records.size() + run_records; };
  const auto boundary = [&](uint64_t seq) { return runs && runs->Boundary(seq); };

  // The segment being read (RawPullPage::Segment), with runs only.
  uint32_t seg_id = 0;
  RawPullPage::Segment seg;
  bool seg_from_boundary = false, seg_clean = true;
  uint64_t seg_entries = 0, seg_bytes = 0;
  const auto start_segment = [&](uint64_t at, bool from_boundary) {
    ++seg_id;
    seg = {};
    seg.start = at;
    seg.first_record = page.records.size();
    seg.first_skipped = page.skipped.size();
    seg.first_met = trace ? trace->met.size() : 0;
    seg_entries = trace ? trace->entries : 0;
    seg_bytes = page.bytes;
    seg_from_boundary = from_boundary;
    seg_clean = true;
  };
  // The page covered `at`, a boundary: the segment ends there.
  const auto end_segment = [&](uint64_t at) {
    if (seg_from_boundary && seg_clean && at > seg.start) {
      seg.end = at;
      seg.entries = trace->entries - seg_entries;
      seg.records = page.records.size() - seg.first_record;
      seg.skipped = page.skipped.size() - seg.first_skipped;
      seg.met = trace->met.size() - seg.first_met;
      seg.bytes = page.bytes - seg_bytes;
      page.segments.push_back(seg);
    }
    start_segment(at, true);
  };

  // The page covers this entry. True if it ends here: the first cut
  // point it covers, when the log holds cut_min_entries entries after
  // the cursor up to the head, that many-th entry after this one
  // (page_cuts.h).
  const auto covered = [&](uint64_t seq) -> bool {
    if (!trace) return false;
    ++trace->entries;
    if (trace->first_cut || !is_cut || !is_cut(seq)) return false;
    trace->first_cut = seq;
    if (trace->entries >= cut_min_entries) return false;
    uint64_t n = trace->entries;
    auto look = store.Scan(prefix, wardsync::keys::WithU64(prefix, seq + 1));  // keys only
    for (; look->Valid(); look->Next()) {
      const uint64_t s = wardsync::keys::ReadU64(look->key().substr(prefix.size()));
      if (s > log_head) break;
      if (++n == cut_min_entries) {
        trace->cut = true;
        trace->stop_seq = s;
        page.more = true;
        return true;
      }
    }
    look_error = look->status();
    if (!look_error.ok()) {
      page.more = true;
      return true;
    }
    trace->head_dependent = true;  // a later head may hold enough entries: then it would be cut here
    return false;
  };

  // From `seq`, a boundary the page covered, takes the runs offered one
  // after another while they fit. True if one's end ended the page (a cut
  // point); *moved if any was taken.
  std::string probe;  // a run's record key, looked up in `met`
  const auto take_runs = [&](uint64_t seq, bool* moved) -> bool {
    for (;;) {
      auto run = runs->At(seq);
      if (!run) return false;
      // Room for every record of it, and for one more: a page full at the
      // run's last record would end at the next record the run names
      // (even one it skips).
      if (taken() + run->records >= max_records || page.bytes + run->bytes > max_bytes) return false;
      for (const auto& id : run->ids) {
        probe.assign(keys::kRecordPrefix);
        probe.append(id);
        if (met.count(probe)) return false;  // the page has it already: a read would leave it out here
      }
      // No record of the run comes again later in this view (the source
      // checked the log after it), so none needs to join `met`.
      page.runs.push_back({page.records.size(), run});
      page.bytes += run->bytes;
      run_records += run->records;
      page.skipped.insert(page.skipped.end(), run->skipped.begin(), run->skipped.end());
      trace->entries += run->entries - 1;  // covered() counts its last
      *moved = true;
      seq = run->end;
      page.cursor = seq;
      if (covered(seq)) return true;  // a cut point can only be a run's last entry
      start_segment(seq, true);
    }
  };

  // The page covers `seq`: true if it ends there, or if runs were taken
  // from there (the iterator then starts after the last run).
  const auto advance = [&](uint64_t seq) -> bool {
    page.cursor = seq;
    const bool ended = covered(seq);
    if (!boundary(seq)) return ended;
    end_segment(seq);
    if (ended) return true;
    bool moved = false;
    const bool cut = take_runs(seq, &moved);
    if (moved) {
      it = store.Scan(prefix, wardsync::keys::WithU64(prefix, page.cursor + 1));
      log_done = false;
    }
    return cut || moved;
  };

  auto read_ahead = [&]() -> Status {
    ahead.clear();
    batch_keys.clear();
    values.clear();
    const size_t room = max_records > taken() ? max_records - taken() : 0;
    // At most kReadAheadBatch records a batch: the page's byte budget
    // usually ends it long before `room` records (S2: ~400 records fill
    // 256 KiB), and every record read past the page's end is read again for
    // the next page. Reading `room` ahead made a 50,000-record first pull
    // read ~5x its records (S2's server CPU 0.34 -> 1.49 s, session 9).
    const size_t batch = std::min(room, kReadAheadBatch);
    for (; it->Valid(); it->Next()) {
      const uint64_t seq = wardsync::keys::ReadU64(it->key().substr(prefix.size()));
      if (seq > log_head) {
        log_done = true;
        break;
      }
      key.assign(keys::kRecordPrefix);
      if (all) {
        wardsync::store::LogEntry entry;
        if (!entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
          return Status::Corruption("log entry " + std::to_string(seq) + " does not parse");
        }
        key.append(entry.record_id());
      } else {
        key.append(it->value());
      }
      if (auto f = met.find(key); f != met.end()) {
        ahead.push_back({seq, nullptr, -1, f->second != seg_id});
      } else {
        const bool quarantined = !held->empty() && held->count(key.substr(id_at));
        if (!quarantined && batch_keys.size() == batch) {
          // One more than the batch holds: read only if the page has room.
          met.emplace(met_keys.emplace_back(key), seg_id);
          ahead.push_back({seq, &met_keys.back()});
          it->Next();
          break;
        }
        met.emplace(met_keys.emplace_back(key), seg_id);
        ahead.push_back({seq, &met_keys.back(), quarantined ? -1 : static_cast<int>(batch_keys.size())});
        if (!quarantined) batch_keys.push_back(key);
      }
      if (boundary(seq)) {
        it->Next();
        break;
      }
    }
    WS_RETURN_IF_ERROR(it->status());
    if (!it->Valid()) log_done = true;
    if (batch_keys.empty()) return Status::Ok();
    return store.MultiGet(batch_keys, &values);
  };

  start_segment(cursor, boundary(cursor));
  if (boundary(cursor)) {
    bool moved = false;
    take_runs(cursor, &moved);
    if (moved) it = store.Scan(prefix, wardsync::keys::WithU64(prefix, page.cursor + 1));
  }
  while (!page.more) {
    if (log_done && ahead.empty()) break;
    WS_RETURN_IF_ERROR(read_ahead());
    if (ahead.empty()) break;
    for (Entry& e : ahead) {
      const uint64_t seq = e.seq;
      if (e.earlier) seg_clean = false;
      if (e.first) {
        const std::string record_id = e.first->substr(id_at);
        if (taken() == max_records) {
          page.more = true;
          if (trace) {
            trace->stop_seq = seq;
            trace->met.push_back({seq, record_id, false});
          }
          break;
        }
        if (!held->empty() && held->count(record_id)) {
          page.skipped.push_back({record_id, 0, true});
          if (trace) trace->met.push_back({seq, record_id, false});
          if (advance(seq)) break;
          continue;
        }
        std::optional<std::string> value;
        if (e.slot >= 0) {
          value = std::move(values[e.slot]);
        } else {  // the entry past the batch, reached with room left on the page
          std::string bytes;
          Status s = store.Get(*e.first, &bytes);
          if (!s.ok() && !s.not_found()) return s;
          if (s.ok()) value = std::move(bytes);
        }
        if (!value) {  // a rejected change that was not kept on a record never created
          if (trace) trace->met.push_back({seq, record_id, true});
          seg_clean = false;
          if (advance(seq)) break;
          continue;
        }
        const uint64_t size = value->size() + RawPullPage::kRecordOverhead;
        if (size > max_record_bytes) {
          page.skipped.push_back({record_id, value->size(), false});
          if (trace) trace->met.push_back({seq, record_id, false});
          if (advance(seq)) break;
          continue;
        }
        if (taken() > 0 && page.bytes + size > max_bytes) {
          page.more = true;
          if (trace) {  // its size ended the page: a reuse must know it unchanged
            trace->stop_seq = seq;
            trace->met.push_back({seq, record_id, false});
            trace->stop_value = std::move(*value);
          }
          break;
        }
        page.bytes += size;
        page.records.push_back(std::move(*value));
        if (trace) trace->met.push_back({seq, record_id, false});
      }
      if (advance(seq)) break;
    }
    ahead.clear();
  }
  WS_RETURN_IF_ERROR(look_error);
  page.remaining = log_head > page.cursor ? log_head - page.cursor : 0;
  if (!page.more) page.remaining = 0;
  return page;
}

Result<PullPage> ReadPull(KvReader& store, const std::string& scope_ward, uint64_t cursor, uint32_t max_records,
                          uint64_t log_head) {
  auto raw = ReadPullRaw(store, scope_ward, cursor, max_records, UINT64_MAX, log_head);
  if (!raw.ok()) return raw.status();
  PullPage page;
  page.cursor = raw->cursor;
  page.more = raw->more;
  page.remaining = raw->remaining;
  page.records.resize(raw->records.size());
  for (size_t i = 0; i < raw->records.size(); ++i) {
    if (!page.records[i].ParseFromString(raw->records[i])) {
      return Status::Corruption("stored value under a key of kind 'rec' does not parse");
    }
  }
  return page;
}

}  // namespace wardsync::server

#include "server/pull/pull_reader.h"

#include <algorithm>
#include <optional>
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
                                uint64_t max_bytes, uint64_t log_head, uint64_t max_record_bytes) {
  auto held = Quarantined(store);
  if (!held.ok()) return held.status();
  RawPullPage page;
  page.cursor = cursor;
  if (max_records == 0) max_records = 1;
  const bool all = scope_ward.empty();
  const std::string prefix = all ? std::string(keys::kLogPrefix) : keys::WardLogPrefix(scope_ward);
  auto it = store.Scan(prefix, wardsync::keys::WithU64(prefix, cursor + 1));
  std::unordered_set<std::string> seen;

  // The log is read ahead in batches: entries until as many records not
  // yet on the page are named as the page has room for (plus the entry
  // naming one more, not read), and those records are read in one MultiGet
  // (on PostgreSQL one statement instead of one per record). Then the
  // batch's entries are taken in log order exactly as if each record were
  // read when first met.
  struct Entry {
    uint64_t seq;
    std::string record_id;
  };
  std::vector<Entry> ahead;
  std::unordered_map<std::string, std::optional<std::string>> fetched;
  bool log_done = false;
  auto read_ahead = [&]() -> Status {
    ahead.clear();
    fetched.clear();
    const size_t room = max_records > page.records.size() ? max_records - page.records.size() : 0;
    // At most kReadAheadBatch records a batch: the page's byte budget
    // usually ends it long before `room` records (S2: ~400 records fill
    // 256 KiB), and every record read past the page's end is read again for
    // the next page. Reading `room` ahead made a 50,000-record first pull
    // read ~5x its records (S2's server CPU 0.34 -> 1.49 s, session 9).
    const size_t batch = std::min(room, kReadAheadBatch);
    std::vector<std::string> ids;
    std::unordered_set<std::string> named;
    for (; it->Valid(); it->Next()) {
      const uint64_t seq = wardsync::keys::ReadU64(it->key().substr(prefix.size()));
      if (seq > log_head) {
        log_done = true;
        return Status::Ok();
      }
      std::string record_id;
      if (all) {
        wardsync::store::LogEntry entry;
        if (!entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
          return Status::Corruption("log entry " + std::to_string(seq) + " does not parse");
        }
        record_id = entry.record_id();
      } else {
        record_id = std::string(it->value());
      }
      const bool fresh = !seen.count(record_id) && !held->count(record_id) && named.insert(record_id).second;
      ahead.push_back({seq, record_id});
      if (fresh) {
        if (ids.size() == batch) {  // one more than the batch holds: read only if the page has room
          it->Next();
          break;
        }
        ids.push_back(std::move(record_id));
      }
    }
    WS_RETURN_IF_ERROR(it->status());
    if (!it->Valid()) log_done = true;
    if (ids.empty()) return Status::Ok();
    std::vector<std::string> record_keys;
    record_keys.reserve(ids.size());
    for (const auto& id : ids) record_keys.push_back(keys::Record(id));
    std::vector<std::optional<std::string>> values;
    WS_RETURN_IF_ERROR(store.MultiGet(record_keys, &values));
    for (size_t k = 0; k < ids.size(); ++k) fetched.emplace(std::move(ids[k]), std::move(values[k]));
    return Status::Ok();
  };

  while (!page.more) {
    if (log_done && ahead.empty()) break;
    WS_RETURN_IF_ERROR(read_ahead());
    if (ahead.empty()) break;
    for (Entry& e : ahead) {
      const uint64_t seq = e.seq;
      const std::string& record_id = e.record_id;
      if (!seen.count(record_id)) {
        if (page.records.size() == max_records) {
          page.more = true;
          break;
        }
        if (held->count(record_id)) {
          seen.insert(record_id);
          page.skipped.push_back({record_id, 0, true});
          page.cursor = seq;
          continue;
        }
        std::optional<std::string> value;
        if (auto f = fetched.find(record_id); f != fetched.end()) {
          value = std::move(f->second);
        } else {  // the entry past the batch, reached with room left on the page
          std::string bytes;
          Status s = store.Get(keys::Record(record_id), &bytes);
          if (!s.ok() && !s.not_found()) return s;
          if (s.ok()) value = std::move(bytes);
        }
        if (!value) {  // a rejected change that was not kept on a record never created
          seen.insert(record_id);
          page.cursor = seq;
          continue;
        }
        const uint64_t size = value->size() + RawPullPage::kRecordOverhead;
        if (size > max_record_bytes) {
          seen.insert(record_id);
          page.skipped.push_back({record_id, value->size(), false});
          page.cursor = seq;
          continue;
        }
        if (!page.records.empty() && page.bytes + size > max_bytes) {
          page.more = true;
          break;
        }
        seen.insert(record_id);
        page.bytes += size;
        page.records.push_back(std::move(*value));
      }
      page.cursor = seq;
    }
    ahead.clear();
  }
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

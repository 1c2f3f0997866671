#include "server/pull/pull_reader.h"

#include <unordered_set>

#include "common/store/proto_io.h"
#include "proto/store.pb.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

// One scan of the scope's log after the cursor. Each record is read once,
// when first met, so its size is known before it joins the page.
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
  for (; it->Valid(); it->Next()) {
    uint64_t seq = wardsync::keys::ReadU64(it->key().substr(prefix.size()));
    if (seq > log_head) break;
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
      std::string bytes;
      Status s = store.Get(keys::Record(record_id), &bytes);
      if (s.not_found()) {  // a rejected change that was not kept on a record never created
        seen.insert(record_id);
        page.cursor = seq;
        continue;
      }
      if (!s.ok()) return s;
      const uint64_t size = bytes.size() + RawPullPage::kRecordOverhead;
      if (size > max_record_bytes) {
        seen.insert(record_id);
        page.skipped.push_back({record_id, bytes.size(), false});
        page.cursor = seq;
        continue;
      }
      if (!page.records.empty() && page.bytes + size > max_bytes) {
        page.more = true;
        break;
      }
      seen.insert(record_id);
      page.bytes += size;
      page.records.push_back(std::move(bytes));
    }
    page.cursor = seq;
  }
  WS_RETURN_IF_ERROR(it->status());
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

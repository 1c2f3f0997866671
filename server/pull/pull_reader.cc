#include "server/pull/pull_reader.h"

#include <unordered_set>

#include "common/store/proto_io.h"
#include "proto/store.pb.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

Result<PullPage> ReadPull(KvStore& store, const std::string& scope_ward, uint64_t cursor, uint32_t max_records,
                          uint64_t log_head) {
  PullPage page;
  page.cursor = cursor;
  if (max_records == 0) max_records = 1;
  const bool all = scope_ward.empty();
  const std::string prefix = all ? std::string(keys::kLogPrefix) : keys::WardLogPrefix(scope_ward);
  auto it = store.Scan(prefix, wardsync::keys::WithU64(prefix, cursor + 1));
  std::vector<std::string> order;
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
      if (order.size() == max_records) {
        page.more = true;
        break;
      }
      seen.insert(record_id);
      order.push_back(record_id);
    }
    page.cursor = seq;
  }
  WS_RETURN_IF_ERROR(it->status());
  page.records.reserve(order.size());
  for (const auto& id : order) {
    wardsync::records::RecordState rec;
    WS_RETURN_IF_ERROR(GetProto(store, keys::Record(id), &rec));
    page.records.push_back(std::move(rec));
  }
  page.remaining = log_head > page.cursor ? log_head - page.cursor : 0;
  if (!page.more) page.remaining = 0;
  return page;
}

}  // namespace wardsync::server

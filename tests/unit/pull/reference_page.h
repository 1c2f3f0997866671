// The plain pull rule, written out the slow way (one Get per record), that
// the pull reader (pull_reader_test.cc) and the shared pages
// (shared_pages_test.cc) are checked against: walk the log after the cursor
// (the whole log, or one ward's), take each record when first met, skip a
// quarantined, missing or oversized one, end the page at max_records or
// max_bytes.
#pragma once
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "common/store/kv_store.h"
#include "proto/store.pb.h"
#include "server/pull/pull_reader.h"
#include "server/store/server_keys.h"

namespace wardsync::pulltest {

// What ReadPullRaw did before it batched its reads. `ward` "" is the whole log.
inline server::RawPullPage Reference(KvReader& store, const std::string& ward, uint64_t cursor,
                                     uint32_t max_records, uint64_t max_bytes, uint64_t head,
                                     uint64_t max_record_bytes) {
  std::set<std::string> held;
  for (auto it = store.Scan(server::keys::kQuarantinePrefix); it->Valid(); it->Next()) {
    held.insert(std::string(it->key().substr(server::keys::kQuarantinePrefix.size())));
  }
  server::RawPullPage page;
  page.cursor = cursor;
  const std::string prefix = ward.empty() ? std::string(server::keys::kLogPrefix) : server::keys::WardLogPrefix(ward);
  std::set<std::string> seen;
  for (auto it = store.Scan(prefix, wardsync::keys::WithU64(prefix, cursor + 1)); it->Valid(); it->Next()) {
    const uint64_t seq = wardsync::keys::ReadU64(it->key().substr(prefix.size()));
    if (seq > head) break;
    std::string id;
    if (ward.empty()) {
      wardsync::store::LogEntry e;
      REQUIRE(e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
      id = e.record_id();
    } else {
      id = std::string(it->value());
    }
    if (!seen.count(id)) {
      if (page.records.size() == max_records) {
        page.more = true;
        break;
      }
      seen.insert(id);
      if (held.count(id)) {
        page.skipped.push_back({id, 0, true});
        page.cursor = seq;
        continue;
      }
      std::string bytes;
      Status s = store.Get(server::keys::Record(id), &bytes);
      if (s.not_found()) {
        page.cursor = seq;
        continue;
      }
      REQUIRE(s.ok());
      const uint64_t size = bytes.size() + server::RawPullPage::kRecordOverhead;
      if (size > max_record_bytes) {
        page.skipped.push_back({id, bytes.size(), false});
        page.cursor = seq;
        continue;
      }
      if (!page.records.empty() && page.bytes + size > max_bytes) {
        seen.erase(id);
        page.more = true;
        break;
      }
      page.bytes += size;
      page.records.push_back(bytes);
    }
    page.cursor = seq;
  }
  if (!page.more) page.remaining = 0;
  return page;
}

}  // namespace wardsync::pulltest

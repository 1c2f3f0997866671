// In front of a store: the keys under one prefix that the store may hold,
// known without reading it, so that a Get or MultiGet of a key it surely
// lacks answers NotFound without the engine. The server puts its records
// (`rec/`) behind it.
//
// Why (bench S1): ingest looks up every record a change-set names before
// applying it, and a backlog of new records makes every lookup a miss. In
// LevelDB a miss consults each table that may hold the key (their bloom
// filters spare the block reads), and LevelDB charges a read that consulted
// more than one table to the first one, compacting a table after about
// (its size / 16 KiB) such reads ("seek compaction", not an option): a
// push of 50,000 new records made 8 compactions rewriting 72 MB, where the
// writes alone made 3 (34 MB), a quarter of the server's CPU for the push.
//
// Never wrong: a set (growing_bloom_filter.h) of every key under the
// prefix present at open (one scan, keys only kept) and of every key a
// write through this store puts there, added BEFORE the write reaches the
// engine and never removed (a deleted key stays "maybe": read from the
// engine). So a key the set lacks was in no write that had started, nor in
// the store at open: it is absent from the store and from every view made
// since. Only for an engine this process alone writes (LevelDB: one process
// per data directory), the rule of ValueCacheStore.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/store/forwarding_store.h"
#include "common/store/growing_bloom_filter.h"

namespace wardsync {

class KeyPresenceStore : public ForwardingKvStore {
 public:
  // Reads the keys under `prefix` in `inner` (one scan) to start.
  static Result<std::unique_ptr<KeyPresenceStore>> Open(KvStore& inner, std::string prefix);

  Status Get(std::string_view key, std::string* value) override;
  Status MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values) override;
  Status Write(const WriteBatch& batch, bool sync) override;
  std::unique_ptr<KvReadView> NewReadView() override;

  // False: `key` is surely not in the store (nor in any view made since
  // this opened). True for every key outside the prefix.
  bool MayHold(std::string_view key) const;

  struct Stats {
    uint64_t keys = 0;           // added to the set (at open and since)
    uint64_t reads_spared = 0;   // Gets answered NotFound without the engine
    size_t memory_bytes = 0;
  };
  Stats stats() const;

 private:
  KeyPresenceStore(KvStore& inner, std::string prefix) : ForwardingKvStore(inner), prefix_(std::move(prefix)) {}
  friend class KeyPresenceView;
  // MultiGet on `reader` (the engine or its view) for the keys that may be held.
  Status MultiGetFrom(KvReader& reader, const std::vector<std::string>& keys,
                      std::vector<std::optional<std::string>>* values);
  bool Covers(std::string_view key) const { return key.substr(0, prefix_.size()) == prefix_; }
  void Spared(uint64_t n) { spared_.fetch_add(n, std::memory_order_relaxed); }

  const std::string prefix_;
  GrowingBloomFilter present_;
  std::atomic<uint64_t> spared_{0};
};

}  // namespace wardsync

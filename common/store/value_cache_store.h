// A bounded cache, in front of a store, of the values this process wrote
// under one key prefix, read back through read views without going to the
// engine. The server puts its records (`rec/`) behind it: in a fleet each
// record pushed once is read by every other device of its ward in its pull
// (bench S4: ~62 reads of each record, one LevelDB Get each, ~12% of the
// server's instructions), and the records pulled are the recently
// committed ones, which this cache holds.
//
// Why a view never sees a wrong value (kv_store.h, "Read views"): every
// Write gets the next generation number g. Before the engine write, the
// batch's keys under the prefix leave the cache; after it, they come back
// with their new values and generation g, and `committed_` becomes g, all
// under one lock. So an entry is always the value of the LAST write to its
// key that has started, and that write has finished. A view records
// `committed_` before it opens the engine's view, so its engine view holds
// every write up to that generation. An entry of generation <= the view's
// is then exactly the view's value: the write that made it is in the view,
// and any later write to the key would have taken the entry out before it
// began, hence before the view's lookup. An entry of a later generation,
// or none, is read from the engine's view. The cache is filled only by
// writes, never by reads (a value read through an old view might be older
// than a write the cache has since evicted).
//
// Only for an engine this process alone writes (LevelDB: one process per
// data directory). On PostgreSQL another server may write once this one
// has lost the active lock, so the server does not use the cache there.
//
// Bounded: entries leave oldest-written first once their bytes pass
// max_bytes; a value larger than max_bytes / 16 is never cached.
#pragma once
#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/store/forwarding_store.h"

namespace wardsync {

class ValueCacheStore : public ForwardingKvStore {
 public:
  ValueCacheStore(KvStore& inner, std::string prefix, size_t max_bytes);

  Status Write(const WriteBatch& batch, bool sync) override;
  std::unique_ptr<KvReadView> NewReadView() override;

  struct Stats {
    uint64_t hits = 0;     // view reads answered from the cache
    uint64_t misses = 0;   // view reads under the prefix that went to the engine
    size_t entries = 0;
    size_t bytes = 0;      // what the bound counts (keys, values, bookkeeping)
  };
  Stats stats() const;

  // Used by the views (value_cache_store.cc).
  uint64_t committed() const;
  // The cached value of `key` if the write that made it is in a view made
  // at generation `view_generation`.
  bool Lookup(std::string_view key, uint64_t view_generation, std::string* value);
  bool Covers(std::string_view key) const { return key.substr(0, prefix_.size()) == prefix_; }

 private:
  struct Entry {
    std::string value;
    uint64_t generation = 0;
    std::list<std::string>::iterator order;  // its place in order_
  };
  static size_t Cost(const std::string& key, const std::string& value) { return 2 * key.size() + value.size() + 96; }
  void EraseLocked(const std::string& key);

  const std::string prefix_;
  const size_t max_bytes_;
  std::mutex write_mu_;                 // one Write at a time: generations in write order
  uint64_t next_generation_ = 0;        // under write_mu_
  mutable std::shared_mutex mu_;        // the entries and committed_
  struct Hash {  // lookups by string_view without building a key string
    using is_transparent = void;
    size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
  };
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
  std::list<std::string> order_;        // keys, oldest write first
  size_t bytes_ = 0;
  uint64_t committed_ = 0;
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace wardsync

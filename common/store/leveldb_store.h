// KvStore on LevelDB (the contract: common/store/kv_store.h). Which process
// owns a data directory is decided by its DirLock (common/store/dir_lock.h)
// before this is opened; LevelDB's own LOCK file is only a second guard.
//
// Read views are LevelDB snapshots; an iterator made on the store itself
// reads the implicit snapshot LevelDB takes at its creation.
//
// Fail-stop on a failed write: LevelDB's log writer is left misaligned by a
// failed append (disk full, I/O error), so later writes it reports as
// durable can be dropped when the log is replayed at the next open. After
// the first failed Write every later Write is refused until the store is
// reopened (reads go on).
#pragma once
#include <memory>
#include <mutex>
#include <string>

#include "common/store/kv_store.h"

namespace leveldb {
class Cache;
class DB;
class Env;
class FilterPolicy;
}

namespace wardsync {

struct LevelDbOptions {
  leveldb::Env* env = nullptr;   // nullptr: the default Env (tests inject faults here)
  bool create_if_missing = true;
  size_t write_buffer_bytes = 8 << 20;
  // A bloom filter per table lets a Get for an absent key (and most lookups
  // of a present one) skip reading blocks of tables that do not hold it.
  int bloom_bits_per_key = 10;     // 0: no filter
  size_t block_cache_bytes = 0;    // 0: LevelDB's own 8 MiB cache
  // Table files mapped into memory (LevelDB's default) or read with pread
  // (pread_env.h: mapped pages count in the process's RSS). Only without `env`.
  bool mmap_tables = true;
};

class LevelDbStore : public KvStore {
 public:
  static Result<std::unique_ptr<LevelDbStore>> Open(const std::string& dir, const LevelDbOptions& options = {});
  ~LevelDbStore() override;

  Status Get(std::string_view key, std::string* value) override;
  Status Write(const WriteBatch& batch, bool sync) override;
  std::unique_ptr<KvIterator> Scan(std::string_view prefix, std::string_view start = {}) override;
  std::unique_ptr<KvIterator> ScanReverse(std::string_view prefix) override;
  std::unique_ptr<KvReadView> NewReadView() override;

 private:
  LevelDbStore(std::unique_ptr<leveldb::DB> db, std::unique_ptr<const leveldb::FilterPolicy> filter,
               std::unique_ptr<leveldb::Cache> cache);
  // Declared before db_ so they outlive it (the DB uses both until closed).
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::unique_ptr<leveldb::Cache> cache_;
  std::unique_ptr<leveldb::DB> db_;
  std::mutex write_mu_;       // one Write at a time, so none slips past a failure
  std::string write_failed_;  // the first failed write's error; "" while all is well
};

}  // namespace wardsync

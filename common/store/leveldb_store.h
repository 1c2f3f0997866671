// KvStore on LevelDB. One process per directory: Open fails with a clear
// message when another process holds the directory.
#pragma once
#include <memory>
#include <string>

#include "common/store/kv_store.h"

namespace leveldb {
class DB;
class Env;
}

namespace wardsync {

struct LevelDbOptions {
  leveldb::Env* env = nullptr;   // nullptr: the default Env (tests inject faults here)
  bool create_if_missing = true;
  size_t write_buffer_bytes = 8 << 20;
};

class LevelDbStore : public KvStore {
 public:
  static Result<std::unique_ptr<LevelDbStore>> Open(const std::string& dir, const LevelDbOptions& options = {});
  ~LevelDbStore() override;

  Status Get(std::string_view key, std::string* value) override;
  Status Write(const WriteBatch& batch, bool sync) override;
  std::unique_ptr<KvIterator> Scan(std::string_view prefix, std::string_view start = {}) override;
  std::unique_ptr<KvIterator> ScanReverse(std::string_view prefix) override;

 private:
  explicit LevelDbStore(std::unique_ptr<leveldb::DB> db);
  std::unique_ptr<leveldb::DB> db_;
};

// True when a Status from Open means "another process holds the directory".
bool IsLockedError(const Status& s);

}  // namespace wardsync

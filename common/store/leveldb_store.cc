#include "common/store/leveldb_store.h"

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>
#include <leveldb/write_batch.h>

#include "common/store/pread_env.h"

namespace wardsync {
namespace {

Status FromLevelDb(const leveldb::Status& s, const char* what) {
  if (s.ok()) return Status::Ok();
  if (s.IsNotFound()) return Status::NotFound(what);
  if (s.IsCorruption()) return Status::Corruption(std::string(what) + ": " + s.ToString());
  return Status::Io(std::string(what) + ": " + s.ToString());
}

class LevelDbIterator : public KvIterator {
 public:
  LevelDbIterator(leveldb::Iterator* it, std::string prefix, bool reverse)
      : it_(it), prefix_(std::move(prefix)), reverse_(reverse) {}
  bool Valid() const override {
    return it_->Valid() && it_->key().starts_with(leveldb::Slice(prefix_));
  }
  void Next() override {
    if (reverse_) it_->Prev(); else it_->Next();
  }
  std::string_view key() const override { return {it_->key().data(), it_->key().size()}; }
  std::string_view value() const override { return {it_->value().data(), it_->value().size()}; }
  Status status() const override { return FromLevelDb(it_->status(), "scan"); }

 private:
  std::unique_ptr<leveldb::Iterator> it_;
  std::string prefix_;
  bool reverse_;
};

Status GetFrom(leveldb::DB& db, const leveldb::ReadOptions& ro, std::string_view key, std::string* value) {
  leveldb::Status s = db.Get(ro, leveldb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) return Status::NotFound(std::string(key));
  return FromLevelDb(s, "read");
}

std::unique_ptr<KvIterator> ScanFrom(leveldb::DB& db, const leveldb::ReadOptions& ro, std::string_view prefix,
                                     std::string_view start) {
  leveldb::Iterator* it = db.NewIterator(ro);
  std::string from(start.size() > prefix.size() ? start : prefix);
  it->Seek(from);
  return std::make_unique<LevelDbIterator>(it, std::string(prefix), false);
}

std::unique_ptr<KvIterator> ScanReverseFrom(leveldb::DB& db, const leveldb::ReadOptions& ro, std::string_view prefix) {
  leveldb::Iterator* it = db.NewIterator(ro);
  // Seek just past the prefix range, then step back.
  std::string upper(prefix);
  while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff) upper.pop_back();
  if (upper.empty()) {
    it->SeekToLast();
  } else {
    upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
    it->Seek(upper);
    if (it->Valid()) it->Prev(); else it->SeekToLast();
  }
  return std::make_unique<LevelDbIterator>(it, std::string(prefix), true);
}

// A LevelDB snapshot: released when the view goes.
class LevelDbReadView : public KvReadView {
 public:
  explicit LevelDbReadView(leveldb::DB& db) : db_(db), snapshot_(db.GetSnapshot()) { ro_.snapshot = snapshot_; }
  ~LevelDbReadView() override { db_.ReleaseSnapshot(snapshot_); }
  Status Get(std::string_view key, std::string* value) override { return GetFrom(db_, ro_, key, value); }
  std::unique_ptr<KvIterator> Scan(std::string_view prefix, std::string_view start) override {
    return ScanFrom(db_, ro_, prefix, start);
  }
  std::unique_ptr<KvIterator> ScanReverse(std::string_view prefix) override {
    return ScanReverseFrom(db_, ro_, prefix);
  }

 private:
  leveldb::DB& db_;
  const leveldb::Snapshot* snapshot_;
  leveldb::ReadOptions ro_;
};

}  // namespace

Result<std::unique_ptr<LevelDbStore>> LevelDbStore::Open(const std::string& dir, const LevelDbOptions& options) {
  leveldb::Options o;
  o.create_if_missing = options.create_if_missing;
  o.write_buffer_size = options.write_buffer_bytes;
  if (options.env) {
    o.env = options.env;
  } else if (!options.mmap_tables) {
    o.env = PreadEnv();
  }
  std::unique_ptr<const leveldb::FilterPolicy> filter;
  if (options.bloom_bits_per_key > 0) filter.reset(leveldb::NewBloomFilterPolicy(options.bloom_bits_per_key));
  o.filter_policy = filter.get();
  std::unique_ptr<leveldb::Cache> cache;
  if (options.block_cache_bytes > 0) cache.reset(leveldb::NewLRUCache(options.block_cache_bytes));
  o.block_cache = cache.get();
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(o, dir, &raw);
  if (!s.ok()) return FromLevelDb(s, ("cannot open store " + dir).c_str());
  return std::unique_ptr<LevelDbStore>(
      new LevelDbStore(std::unique_ptr<leveldb::DB>(raw), std::move(filter), std::move(cache)));
}

LevelDbStore::LevelDbStore(std::unique_ptr<leveldb::DB> db, std::unique_ptr<const leveldb::FilterPolicy> filter,
                           std::unique_ptr<leveldb::Cache> cache)
    : filter_(std::move(filter)), cache_(std::move(cache)), db_(std::move(db)) {}
LevelDbStore::~LevelDbStore() = default;

Status LevelDbStore::Get(std::string_view key, std::string* value) {
  return GetFrom(*db_, leveldb::ReadOptions(), key, value);
}

Status LevelDbStore::Write(const WriteBatch& batch, bool sync) {
  leveldb::WriteOptions wo;
  wo.sync = sync;
  std::lock_guard<std::mutex> lock(write_mu_);
  if (!write_failed_.empty()) {
    return Status::Io("the store failed a write earlier (" + write_failed_ +
                      ") and refuses further writes until it is reopened: restart the process");
  }
  Status s = FromLevelDb(db_->Write(wo, batch.leveldb_batch()), "write");  // no copy: the batch is LevelDB's encoding
  if (!s.ok()) write_failed_ = s.message();
  return s;
}

std::unique_ptr<KvIterator> LevelDbStore::Scan(std::string_view prefix, std::string_view start) {
  return ScanFrom(*db_, leveldb::ReadOptions(), prefix, start);
}

std::unique_ptr<KvIterator> LevelDbStore::ScanReverse(std::string_view prefix) {
  return ScanReverseFrom(*db_, leveldb::ReadOptions(), prefix);
}

std::unique_ptr<KvReadView> LevelDbStore::NewReadView() { return std::make_unique<LevelDbReadView>(*db_); }

}  // namespace wardsync

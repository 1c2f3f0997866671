// The one narrow storage interface both server and client are written
// against. LevelDB is the embedded implementation; a replicated engine
// (PostgreSQL: a table of (key bytea primary key, value bytea)) fits behind it
// because nothing above this layer needs more than ordered keys, prefix
// scans and atomic multi-key writes.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace wardsync {

// An atomic group of puts and deletes. Applied all or nothing.
class WriteBatch {
 public:
  struct Op {
    std::string key;
    std::optional<std::string> value;  // nullopt: delete
  };
  void Put(std::string key, std::string value) { ops_.push_back({std::move(key), std::move(value)}); }
  void Delete(std::string key) { ops_.push_back({std::move(key), std::nullopt}); }
  void Append(WriteBatch&& other) {
    for (auto& op : other.ops_) ops_.push_back(std::move(op));
    other.ops_.clear();
  }
  const std::vector<Op>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }
  void Clear() { ops_.clear(); }

 private:
  std::vector<Op> ops_;
};

// Iterates keys in ascending byte order. Valid() is false at the end or on
// error; status() then tells which.
class KvIterator {
 public:
  virtual ~KvIterator() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

class KvStore {
 public:
  virtual ~KvStore() = default;
  // NotFound is an ordinary answer.
  virtual Status Get(std::string_view key, std::string* value) = 0;
  // sync=true: durable (on disk) when this returns ok.
  virtual Status Write(const WriteBatch& batch, bool sync) = 0;
  // Keys k with prefix <= k, starting at `start` (>= prefix) if given.
  virtual std::unique_ptr<KvIterator> Scan(std::string_view prefix, std::string_view start = {}) = 0;
  // Keys in [prefix, prefix+0xff...) in descending order (last key first).
  virtual std::unique_ptr<KvIterator> ScanReverse(std::string_view prefix) = 0;
};

}  // namespace wardsync

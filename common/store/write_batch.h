// An atomic group of puts and deletes, applied all or nothing (kv_store.h).
//
// Its ops are kept in LevelDB's own batch encoding, as they are added: the
// embedded engine (leveldb_store.h) writes that encoding as it is, where a
// batch kept as one string per key and per value was copied into LevelDB's
// batch at every write (the server's group of 50,000 records is ~250,000
// ops). Every other engine and reader sees the ops, in order, through
// ForEach; nothing above the store depends on the encoding.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace leveldb {
class WriteBatch;
}

namespace wardsync {

class WriteBatch {
 public:
  WriteBatch();
  ~WriteBatch();
  WriteBatch(const WriteBatch& other);
  WriteBatch& operator=(const WriteBatch& other);
  WriteBatch(WriteBatch&& other) noexcept;
  WriteBatch& operator=(WriteBatch&& other) noexcept;

  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Adds `other`'s ops after this batch's, in their order; `other` is left
  // empty (moved into an empty batch, not copied).
  void Append(WriteBatch&& other);
  // The same, copying: `other` keeps its ops (and its room, for reuse).
  void Append(const WriteBatch& other);
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  void Clear();

  // Each op in order: `value` is nullopt for a delete. The views are valid
  // until the batch changes.
  using OpFn = std::function<void(std::string_view key, std::optional<std::string_view> value)>;
  void ForEach(const OpFn& fn) const;

  // The encoding itself, for the LevelDB engine only: DB::Write takes it
  // as is (it stamps its sequence number into the encoding's header, which
  // no op depends on).
  leveldb::WriteBatch* leveldb_batch() const { return rep_.get(); }

 private:
  std::unique_ptr<leveldb::WriteBatch> rep_;  // never null
  size_t size_ = 0;
};

}  // namespace wardsync

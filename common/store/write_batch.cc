#include "common/store/write_batch.h"

#include <cstdlib>
#include <utility>

#include <leveldb/write_batch.h>

namespace wardsync {

WriteBatch::WriteBatch() : rep_(std::make_unique<leveldb::WriteBatch>()) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(const WriteBatch& other)
    : rep_(std::make_unique<leveldb::WriteBatch>(*other.rep_)), size_(other.size_) {}
WriteBatch& WriteBatch::operator=(const WriteBatch& other) {
  if (this != &other) {
    *rep_ = *other.rep_;
    size_ = other.size_;
  }
  return *this;
}
// A moved-from batch is empty and usable: it gets a fresh encoding.
WriteBatch::WriteBatch(WriteBatch&& other) noexcept
    : rep_(std::exchange(other.rep_, std::make_unique<leveldb::WriteBatch>())), size_(std::exchange(other.size_, 0)) {}
WriteBatch& WriteBatch::operator=(WriteBatch&& other) noexcept {
  if (this != &other) {
    rep_.swap(other.rep_);
    size_ = std::exchange(other.size_, 0);
    other.rep_->Clear();
  }
  return *this;
}

void WriteBatch::Put(std::string_view key, std::string_view value) {
  rep_->Put(leveldb::Slice(key.data(), key.size()), leveldb::Slice(value.data(), value.size()));
  ++size_;
}

void WriteBatch::Delete(std::string_view key) {
  rep_->Delete(leveldb::Slice(key.data(), key.size()));
  ++size_;
}

void WriteBatch::Append(WriteBatch&& other) {
  if (other.size_ == 0) return;
  if (size_ == 0) {
    *this = std::move(other);
    return;
  }
  Append(static_cast<const WriteBatch&>(other));
  other.Clear();
}

void WriteBatch::Append(const WriteBatch& other) {
  if (other.size_ == 0) return;
  rep_->Append(*other.rep_);
  size_ += other.size_;
}

void WriteBatch::Clear() {
  rep_->Clear();
  size_ = 0;
}

void WriteBatch::ForEach(const OpFn& fn) const {
  struct Handler : leveldb::WriteBatch::Handler {
    const OpFn& fn;
    explicit Handler(const OpFn& f) : fn(f) {}
    void Put(const leveldb::Slice& key, const leveldb::Slice& value) override {
      fn(std::string_view(key.data(), key.size()), std::string_view(value.data(), value.size()));
    }
    void Delete(const leveldb::Slice& key) override { fn(std::string_view(key.data(), key.size()), std::nullopt); }
  } handler(fn);
  // Only a batch this class encoded is iterated: it cannot be malformed.
  if (!rep_->Iterate(&handler).ok()) std::abort();
}

}  // namespace wardsync

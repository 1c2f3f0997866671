// A KvStore that hands every call to another one: the base of decorators
// that change one thing (who may write, what is owned alongside the store,
// a test's unsynced writes) and forward the rest unchanged.
#pragma once
#include "common/store/kv_store.h"

namespace wardsync {

class ForwardingKvStore : public KvStore {
 public:
  explicit ForwardingKvStore(KvStore& inner) : inner_(inner) {}
  Status Get(std::string_view key, std::string* value) override { return inner_.Get(key, value); }
  Status MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values) override {
    return inner_.MultiGet(keys, values);
  }
  Status Write(const WriteBatch& batch, bool sync) override { return inner_.Write(batch, sync); }
  std::unique_ptr<KvIterator> Scan(std::string_view prefix, std::string_view start = {}) override {
    return inner_.Scan(prefix, start);
  }
  std::unique_ptr<KvIterator> ScanReverse(std::string_view prefix) override { return inner_.ScanReverse(prefix); }
  std::unique_ptr<KvReadView> NewReadView() override { return inner_.NewReadView(); }

 protected:
  KvStore& inner() { return inner_; }

 private:
  KvStore& inner_;
};

}  // namespace wardsync

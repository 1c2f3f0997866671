#include "common/store/key_presence_store.h"

namespace wardsync {

// The engine's view, with reads of keys surely absent answered here.
class KeyPresenceView : public KvReadView {
 public:
  KeyPresenceView(KeyPresenceStore& store, std::unique_ptr<KvReadView> inner)
      : store_(store), inner_(std::move(inner)) {}

  Status Get(std::string_view key, std::string* value) override {
    if (!store_.MayHold(key)) {
      store_.Spared(1);
      return Status::NotFound("not found");
    }
    return inner_->Get(key, value);
  }
  Status MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values) override {
    return store_.MultiGetFrom(*inner_, keys, values);
  }
  std::unique_ptr<KvIterator> Scan(std::string_view prefix, std::string_view start) override {
    return inner_->Scan(prefix, start);
  }
  std::unique_ptr<KvIterator> ScanReverse(std::string_view prefix) override { return inner_->ScanReverse(prefix); }

 private:
  KeyPresenceStore& store_;
  std::unique_ptr<KvReadView> inner_;
};

Result<std::unique_ptr<KeyPresenceStore>> KeyPresenceStore::Open(KvStore& inner, std::string prefix) {
  std::unique_ptr<KeyPresenceStore> store(new KeyPresenceStore(inner, std::move(prefix)));
  auto it = inner.Scan(store->prefix_);
  for (; it->Valid(); it->Next()) store->present_.Add(it->key());
  WS_RETURN_IF_ERROR(it->status());
  return store;
}

bool KeyPresenceStore::MayHold(std::string_view key) const { return !Covers(key) || present_.MayContain(key); }

Status KeyPresenceStore::Get(std::string_view key, std::string* value) {
  if (!MayHold(key)) {
    Spared(1);
    return Status::NotFound("not found");
  }
  return inner().Get(key, value);
}

Status KeyPresenceStore::MultiGet(const std::vector<std::string>& keys,
                                  std::vector<std::optional<std::string>>* values) {
  return MultiGetFrom(inner(), keys, values);
}

Status KeyPresenceStore::MultiGetFrom(KvReader& reader, const std::vector<std::string>& keys,
                                      std::vector<std::optional<std::string>>* values) {
  std::vector<std::string> maybe;
  std::vector<size_t> where;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!MayHold(keys[i])) continue;
    maybe.push_back(keys[i]);
    where.push_back(i);
  }
  Spared(keys.size() - maybe.size());
  values->assign(keys.size(), std::nullopt);
  if (maybe.empty()) return Status::Ok();
  std::vector<std::optional<std::string>> read;
  WS_RETURN_IF_ERROR(reader.MultiGet(maybe, &read));
  for (size_t k = 0; k < where.size(); ++k) (*values)[where[k]] = std::move(read[k]);
  return Status::Ok();
}

Status KeyPresenceStore::Write(const WriteBatch& batch, bool sync) {
  // Before the engine sees the write: a reader whose view holds it finds
  // its keys here (the engine's own locking orders the two).
  batch.ForEach([&](std::string_view key, std::optional<std::string_view> value) {
    if (value && Covers(key)) present_.Add(key);
  });
  return inner().Write(batch, sync);
}

std::unique_ptr<KvReadView> KeyPresenceStore::NewReadView() {
  return std::make_unique<KeyPresenceView>(*this, inner().NewReadView());
}

KeyPresenceStore::Stats KeyPresenceStore::stats() const {
  return {present_.added(), spared_.load(std::memory_order_relaxed), present_.memory_bytes()};
}

}  // namespace wardsync

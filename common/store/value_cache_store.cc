#include "common/store/value_cache_store.h"

namespace wardsync {
namespace {

// The engine's view, with reads under the prefix answered from the cache
// when the cache's entry is in this view (value_cache_store.h).
class CachedReadView : public KvReadView {
 public:
  CachedReadView(ValueCacheStore& cache, uint64_t generation, std::unique_ptr<KvReadView> inner)
      : cache_(cache), generation_(generation), inner_(std::move(inner)) {}

  Status Get(std::string_view key, std::string* value) override {
    if (cache_.Covers(key) && cache_.Lookup(key, generation_, value)) return Status::Ok();
    return inner_->Get(key, value);
  }

  Status MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values) override {
    values->assign(keys.size(), std::nullopt);
    std::vector<std::string> missed;
    std::vector<size_t> where;
    for (size_t i = 0; i < keys.size(); ++i) {
      std::string v;
      if (cache_.Covers(keys[i]) && cache_.Lookup(keys[i], generation_, &v)) {
        (*values)[i] = std::move(v);
      } else {
        missed.push_back(keys[i]);
        where.push_back(i);
      }
    }
    if (missed.empty()) return Status::Ok();
    // The rest in one engine call (one statement on PostgreSQL).
    std::vector<std::optional<std::string>> read;
    WS_RETURN_IF_ERROR(inner_->MultiGet(missed, &read));
    for (size_t k = 0; k < where.size(); ++k) (*values)[where[k]] = std::move(read[k]);
    return Status::Ok();
  }

  std::unique_ptr<KvIterator> Scan(std::string_view prefix, std::string_view start) override {
    return inner_->Scan(prefix, start);
  }
  std::unique_ptr<KvIterator> ScanReverse(std::string_view prefix) override { return inner_->ScanReverse(prefix); }

 private:
  ValueCacheStore& cache_;
  const uint64_t generation_;
  std::unique_ptr<KvReadView> inner_;
};

}  // namespace

ValueCacheStore::ValueCacheStore(KvStore& inner, std::string prefix, size_t max_bytes)
    : ForwardingKvStore(inner), prefix_(std::move(prefix)), max_bytes_(max_bytes) {}

void ValueCacheStore::EraseLocked(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  bytes_ -= Cost(key, it->second.value);
  order_.erase(it->second.order);
  entries_.erase(it);
}

Status ValueCacheStore::Write(const WriteBatch& batch, bool sync) {
  std::lock_guard<std::mutex> one_writer(write_mu_);
  const uint64_t generation = ++next_generation_;
  // The batch's keys under the prefix, the last op of each winning.
  std::unordered_map<std::string, std::optional<std::string_view>> touched;  // nullopt: deleted
  batch.ForEach([&](std::string_view key, std::optional<std::string_view> value) {
    if (Covers(key)) touched[std::string(key)] = value;
  });
  if (!touched.empty()) {
    // Out before the engine write starts: from here on no view may take an
    // older value of these keys from the cache.
    std::unique_lock<std::shared_mutex> lock(mu_);
    for (const auto& [key, op] : touched) EraseLocked(key);
  }
  Status s = inner().Write(batch, sync);
  std::unique_lock<std::shared_mutex> lock(mu_);
  // A failed write's outcome is unknown (kv_store.h, "Fail-stop"): its keys
  // stay out of the cache and are read from the engine.
  if (!s.ok()) return s;
  for (const auto& [key, value] : touched) {
    if (!value || value->size() > max_bytes_ / 16) continue;
    order_.push_back(key);
    Entry e{std::string(*value), generation, std::prev(order_.end())};
    bytes_ += Cost(key, e.value);
    entries_.emplace(key, std::move(e));
  }
  while (bytes_ > max_bytes_ && !order_.empty()) EraseLocked(order_.front());
  committed_ = generation;
  return s;
}

uint64_t ValueCacheStore::committed() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return committed_;
}

std::unique_ptr<KvReadView> ValueCacheStore::NewReadView() {
  // The generation first, then the engine's view: every write up to that
  // generation has returned, so the engine's view holds it.
  const uint64_t generation = committed();
  return std::make_unique<CachedReadView>(*this, generation, inner().NewReadView());
}

bool ValueCacheStore::Lookup(std::string_view key, uint64_t view_generation, std::string* value) {
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.generation <= view_generation) {
      value->assign(it->second.value);
      hits_.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

ValueCacheStore::Stats ValueCacheStore::stats() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return {hits_.load(), misses_.load(), entries_.size(), bytes_};
}

}  // namespace wardsync

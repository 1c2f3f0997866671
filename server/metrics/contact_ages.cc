#include "server/metrics/contact_ages.h"

#include "proto/store.pb.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

Result<ServerMetrics::ContactAges> CountContactAges(KvStore& store, uint64_t now_ms) {
  constexpr uint64_t kMinute = 60'000;
  ServerMetrics::ContactAges ages;
  auto it = store.Scan(keys::kDevicePrefix);
  for (; it->Valid(); it->Next()) {
    wardsync::store::Device d;
    if (!d.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption("device row " + std::string(it->key()) + " does not parse");
    }
    if (d.revoked() && !d.drain()) continue;
    if (d.last_contact_ms() == 0) {
      ++ages.never;
      continue;
    }
    // A contact stamped after "now" (the clock stepped back) counts as fresh.
    const uint64_t age = now_ms > d.last_contact_ms() ? now_ms - d.last_contact_ms() : 0;
    if (age < 15 * kMinute) {
      ++ages.under_15m;
    } else if (age < 60 * kMinute) {
      ++ages.under_1h;
    } else if (age < 24 * 60 * kMinute) {
      ++ages.under_24h;
    } else {
      ++ages.over_24h;
    }
  }
  if (!it->status().ok()) return it->status();
  return ages;
}

}  // namespace wardsync::server

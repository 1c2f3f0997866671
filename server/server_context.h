// What the server's parts share: the store, the clock, the server key, the
// published forms and the configured limits. Owned by whoever runs the
// server (the `run` command, an admin command, a test) - never global.
#pragma once
#include <memory>
#include <mutex>
#include <string>

#include "common/clock/clock.h"
#include "common/crypto/ed25519.h"
#include "common/forms/form_registry.h"
#include "common/store/kv_store.h"
#include "proto/forms.pb.h"
#include "server/server_limits.h"

namespace wardsync::server {

class ServerMetrics;

// Forms are read by every session and replaced on publish: readers take an
// immutable snapshot.
class FormsSnapshot {
 public:
  struct Data {
    forms_util::FormRegistry registry;
    wardsync::forms::WardList wards;
    uint64_t epoch = 0;
  };
  std::shared_ptr<const Data> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return data_;
  }
  void Set(std::shared_ptr<const Data> d) {
    std::lock_guard<std::mutex> lock(mu_);
    data_ = std::move(d);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Data> data_ = std::make_shared<Data>();
};

struct ServerContext {
  KvStore& store;
  const Clock& clock;
  crypto::PrivateKey server_key;   // signs resolutions made on the server
  ServerLimits limits;
  FormsSnapshot forms;
  // Counts what the server does (server/metrics/); only a running server has
  // them, so admin commands on an idle data directory leave it null.
  ServerMetrics* metrics = nullptr;
};

// Reads the published forms and wards from the store into ctx.forms.
Status LoadForms(ServerContext& ctx);

}  // namespace wardsync::server

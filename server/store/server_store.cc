#include "server/store/server_store.h"

#include "common/util/files.h"
#include "server/server_paths.h"
#include "server/store/pg/pg_store.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

ServerStore::ServerStore(std::unique_ptr<KvStore> engine, size_t record_cache_bytes) : engine_(std::move(engine)) {
  Stack(record_cache_bytes);
}

Result<std::unique_ptr<ServerStore>> ServerStore::WithRecordPresence(std::unique_ptr<KvStore> engine,
                                                                     size_t record_cache_bytes) {
  std::unique_ptr<ServerStore> s(new ServerStore());
  s->engine_ = std::move(engine);
  auto presence = KeyPresenceStore::Open(*s->engine_, std::string(keys::kRecordPrefix));
  if (!presence.ok()) return presence.status();
  s->presence_ = std::move(presence).value();
  s->Stack(record_cache_bytes);
  return s;
}

void ServerStore::Stack(size_t record_cache_bytes) {
  KvStore* front = presence_ ? static_cast<KvStore*>(presence_.get()) : engine_.get();
  if (record_cache_bytes > 0) {
    cache_ = std::make_unique<ValueCacheStore>(*front, std::string(keys::kRecordPrefix), record_cache_bytes);
    front = cache_.get();
  }
  checked_ = std::make_unique<SingleWriterStore>(*front);
}

Result<std::string> RecordedStoreUrl(const std::string& data_dir) {
  const std::string path = ServerPaths(data_dir).store_url();
  if (!util::Exists(path)) return std::string();
  std::string url;
  WS_RETURN_IF_ERROR(util::ReadFile(path, &url));
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r' || url.back() == ' ')) url.pop_back();
  return url;
}

Result<std::unique_ptr<ServerStore>> OpenServerStore(const DirLock& lock, const ServerStoreOptions& o) {
  StoreOptions so;
  so.url = o.url;
  if (so.url.empty()) {
    auto recorded = RecordedStoreUrl(lock.dir());
    if (!recorded.ok()) return recorded.status();
    so.url = *recorded;
  }
  so.create_if_missing = o.create_if_missing;
  so.leveldb = o.leveldb;
  pg::PgStoreOptions pgo;
  pgo.wait_to_be_active = o.wait_to_be_active;
  pgo.keep_waiting = o.keep_waiting;
  so.postgresql = pg::PgOpener(pgo);
  so.format = ServerStoreFormat();
  so.missing = o.missing;
  so.stamped_by = o.stamped_by;
  auto engine = OpenStore(lock, so);
  if (!engine.ok()) return engine.status();
  auto kind = StoreEngine(so.url);
  const bool leveldb = kind.ok() && *kind == "leveldb";
  std::unique_ptr<ServerStore> s;
  if (leveldb && o.record_presence) {
    auto made = ServerStore::WithRecordPresence(std::move(engine).value(), o.record_cache_bytes);
    if (!made.ok()) return made.status();
    s = std::move(made).value();
  } else {
    s = std::make_unique<ServerStore>(std::move(engine).value(), leveldb ? o.record_cache_bytes : 0);
  }
  s->store().BindWriterToThisThread();
  return s;
}

}  // namespace wardsync::server

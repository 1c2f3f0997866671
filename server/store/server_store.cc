#include "server/store/server_store.h"

namespace wardsync::server {

Result<std::unique_ptr<ServerStore>> OpenServerStore(const DirLock& lock, const ServerStoreOptions& o) {
  StoreOptions so;
  so.url = o.url;
  so.create_if_missing = o.create_if_missing;
  so.leveldb = o.leveldb;
  so.format = ServerStoreFormat();
  so.missing = o.missing;
  so.stamped_by = o.stamped_by;
  auto engine = OpenStore(lock, so);
  if (!engine.ok()) return engine.status();
  auto s = std::make_unique<ServerStore>(std::move(engine).value());
  s->store().BindWriterToThisThread();
  return s;
}

}  // namespace wardsync::server

#include "common/store/store_factory.h"

#include "common/store/pg/pg_connection_pool.h"

namespace wardsync {

Result<std::string> StoreEngine(const std::string& url) {
  if (url.empty() || url == "leveldb:" || url == "leveldb") return std::string("leveldb");
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return std::string("postgresql");
  return Status::Invalid("unknown store \"" + pg::RedactUrl(url) +
                         "\": expected leveldb: (the default) or postgresql://USER@HOST:PORT/DATABASE");
}

Result<std::unique_ptr<KvStore>> OpenStore(const DirLock& lock, const StoreOptions& options) {
  auto engine = StoreEngine(options.url);
  if (!engine.ok()) return engine.status();
  std::unique_ptr<KvStore> store;
  if (*engine == "postgresql") {
    pg::PgStoreOptions o = options.pg;
    o.create_if_missing = options.create_if_missing;
    auto db = pg::PgStore::Open(options.url, o);
    if (!db.ok()) return db.status();
    store = std::move(db).value();
  } else {
    LevelDbOptions o = options.leveldb;
    o.create_if_missing = options.create_if_missing;
    auto db = LevelDbStore::Open(lock.dir() + "/db", o);
    if (!db.ok()) return db.status();
    store = std::move(db).value();
  }
  if (!options.format.layout.empty()) {
    WS_RETURN_IF_ERROR(CheckStoreFormat(*store, options.format, options.missing, *engine, options.stamped_by));
  }
  return store;
}

}  // namespace wardsync

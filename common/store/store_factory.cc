#include "common/store/store_factory.h"

namespace wardsync {

std::string RedactUrl(const std::string& url) {
  // scheme://user:password@host/...: hide what lies between ':' and '@'.
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Result<std::string> StoreEngine(const std::string& url) {
  if (url.empty() || url == "leveldb:" || url == "leveldb") return std::string("leveldb");
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return std::string("postgresql");
  return Status::Invalid("unknown store \"" + RedactUrl(url) +
                         "\": expected leveldb: (the default) or postgresql://USER@HOST:PORT/DATABASE");
}

Result<std::unique_ptr<KvStore>> OpenStore(const DirLock& lock, const StoreOptions& options) {
  auto engine = StoreEngine(options.url);
  if (!engine.ok()) return engine.status();
  std::unique_ptr<KvStore> store;
  if (*engine == "postgresql") {
    if (!options.postgresql) {
      return Status::Invalid("this program cannot open a PostgreSQL store (" + RedactUrl(options.url) +
                             "): only wardsync-server has the PostgreSQL engine");
    }
    auto db = options.postgresql(options.url, options.create_if_missing);
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

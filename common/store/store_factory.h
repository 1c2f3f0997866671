// Which engine holds a data directory's store, and opening it. The one place
// that names engines: everything above works on KvStore (and its contract,
// common/store/kv_store.h). A second engine is one more branch in OpenStore.
//
// Opening takes a DirLock as proof that the caller owns the directory (the
// lock, not an engine's error text, says who owns it), then checks the
// store's format stamp (common/store/store_format.h).
#pragma once
#include <memory>
#include <string>

#include "common/store/dir_lock.h"
#include "common/store/kv_store.h"
#include "common/store/leveldb_store.h"
#include "common/store/pg/pg_store.h"
#include "common/store/store_format.h"

namespace wardsync {

struct StoreOptions {
  // Where the store is. "" or "leveldb:" = LevelDB in DIR/db (the default);
  // "postgresql://..." (or "postgres://...") = a libpq connection URL: the
  // PostgreSQL store in that database (the directory keeps only its lock).
  std::string url;
  bool create_if_missing = false;
  LevelDbOptions leveldb;      // the LevelDB engine's knobs (tests inject a fault Env)
  pg::PgStoreOptions pg;       // the PostgreSQL engine's (who waits to be the active server)
  ExpectedFormat format;       // empty layout: no format check (a client store)
  MissingStamp missing = MissingStamp::kAccept;
  std::string stamped_by;      // written into a new stamp
};

// The engine a url names: "leveldb", "postgresql" or an error naming what is supported.
Result<std::string> StoreEngine(const std::string& url);

// Opens the store of lock.dir() (see StoreOptions::url), checked against
// options.format. The returned store must not outlive the lock.
Result<std::unique_ptr<KvStore>> OpenStore(const DirLock& lock, const StoreOptions& options);

}  // namespace wardsync

// Which engine holds a data directory's store, and opening it. The one place
// that names engines: everything above works on KvStore (and its contract,
// common/store/kv_store.h). A second engine is one more branch in OpenStore.
// LevelDB is built in; PostgreSQL is server-only (server/store/pg/, libpqxx):
// the server hands its opener in through StoreOptions::postgresql, so the
// ward client (`wardsync`) neither links nor ships a PostgreSQL client.
//
// Opening takes a DirLock as proof that the caller owns the directory (the
// lock, not an engine's error text, says who owns it), then checks the
// store's format stamp (common/store/store_format.h).
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "common/store/dir_lock.h"
#include "common/store/kv_store.h"
#include "common/store/leveldb_store.h"
#include "common/store/store_format.h"

namespace wardsync {

// Opens the store at a url of an engine that lives outside common (the
// server's PostgreSQL engine: pg::PgOpener in server/store/pg/pg_store.h),
// with that engine's own knobs bound in by whoever made the opener.
using EngineOpener =
    std::function<Result<std::unique_ptr<KvStore>>(const std::string& url, bool create_if_missing)>;

struct StoreOptions {
  // Where the store is. "" or "leveldb:" = LevelDB in DIR/db (the default);
  // "postgresql://..." (or "postgres://...") = a libpq connection URL: the
  // PostgreSQL store in that database (the directory keeps only its lock).
  std::string url;
  bool create_if_missing = false;
  LevelDbOptions leveldb;      // the LevelDB engine's knobs (tests inject a fault Env)
  // Opens a postgresql:// url; unset (every program but the server): such a
  // url is refused, saying that only wardsync-server opens PostgreSQL stores.
  EngineOpener postgresql;
  ExpectedFormat format;       // empty layout: no format check (a client store)
  MissingStamp missing = MissingStamp::kAccept;
  std::string stamped_by;      // written into a new stamp
};

// The url as it may be shown: a password in it (scheme://user:PASSWORD@host)
// replaced by ***.
std::string RedactUrl(const std::string& url);

// The engine a url names: "leveldb", "postgresql" or an error naming what is supported.
Result<std::string> StoreEngine(const std::string& url);

// Opens the store of lock.dir() (see StoreOptions::url), checked against
// options.format. The returned store must not outlive the lock.
Result<std::unique_ptr<KvStore>> OpenStore(const DirLock& lock, const StoreOptions& options);

}  // namespace wardsync

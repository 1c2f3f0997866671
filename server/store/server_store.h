// Opening a server data directory's store: the engine from the factory
// (common/store/store_factory.h), the server's format (layout
// "wardsync-server", kServerStoreVersion) checked, and the single-writer
// check (single_writer_store.h) in front of it. Used by `init`, `run`, the
// commands that open the directory themselves, `backup` and `restore`.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "common/store/key_presence_store.h"
#include "common/store/store_factory.h"
#include "common/store/value_cache_store.h"
#include "server/store/single_writer_store.h"

namespace wardsync::server {

// Bump when the key layout (server/store/server_keys.h) changes in a way an
// older binary cannot read; a store of another version is refused at open.
inline constexpr uint32_t kServerStoreVersion = 1;
inline constexpr const char* kServerStoreLayout = "wardsync-server";

// The server's store: the engine, the record cache (when asked for) and the
// checked writer in front of them.
class ServerStore {
 public:
  explicit ServerStore(std::unique_ptr<KvStore> engine, size_t record_cache_bytes = 0);
  // The same with the set of records the store holds in front of the engine
  // (common/store/key_presence_store.h: one scan of rec/ here), so that a
  // lookup of a record that does not exist skips the engine.
  static Result<std::unique_ptr<ServerStore>> WithRecordPresence(std::unique_ptr<KvStore> engine,
                                                                 size_t record_cache_bytes);
  SingleWriterStore& store() { return *checked_; }
  // Null when the store was opened without it.
  const KeyPresenceStore* record_presence() const { return presence_.get(); }

 private:
  ServerStore() = default;
  void Stack(size_t record_cache_bytes);  // cache and checked writer over the front so far

  std::unique_ptr<KvStore> engine_;
  std::unique_ptr<KeyPresenceStore> presence_;   // records (rec/) the engine may hold; null: none
  std::unique_ptr<ValueCacheStore> cache_;       // records (rec/) as written; null: none
  std::unique_ptr<SingleWriterStore> checked_;   // destroyed first
};

struct ServerStoreOptions {
  std::string url;                       // see StoreOptions::url; "": DIR/store-url, else LevelDB
  bool create_if_missing = false;        // `init` and `restore` only
  MissingStamp missing = MissingStamp::kAccept;
  std::string stamped_by;
  LevelDbOptions leveldb;
  // `run` on PostgreSQL: wait to be the database's one active server
  // (pg_store.h); the others open it and refuse writes if one is active.
  bool wait_to_be_active = false;
  std::function<bool()> keep_waiting;    // between tries; false gives up
  // `run`: the records this server writes are kept for the pulls that read
  // them back (common/store/value_cache_store.h), up to this many bytes;
  // 0: no cache. LevelDB only: on PostgreSQL another server may write once
  // this one lost the active lock, which the cache could not see.
  size_t record_cache_bytes = 0;
  // `run`: lookups of records that do not exist answered without the
  // engine (ServerStore::WithRecordPresence). LevelDB only, as the cache.
  bool record_presence = false;
};

// The store URL a data directory records (DIR/store-url, written by `init
// --store`); "" when it has none (LevelDB in DIR/db).
Result<std::string> RecordedStoreUrl(const std::string& data_dir);

inline ExpectedFormat ServerStoreFormat() { return {kServerStoreLayout, kServerStoreVersion}; }

// Opens the store of the locked directory; the calling thread is its writer
// until something else (the committer) binds itself.
Result<std::unique_ptr<ServerStore>> OpenServerStore(const DirLock& lock, const ServerStoreOptions& o);

}  // namespace wardsync::server

// The KvStore on PostgreSQL (`postgresql://...` in StoreOptions::url), for
// the server's store: a committee that cannot lose the central copy keeps
// it in a database it replicates. Everything common/store/kv_store.h
// promises, with:
//   - tables: one per key family (pg_families.h), bytea keys in byte order;
//     a scan spanning families merges their index scans in key order;
//   - Write: one transaction per batch (the group committer's batch): one
//     statement, one round trip, a data-modifying WITH clause per table
//     (its deletes and its upserts as bytea arrays); sync=false commits with
//     synchronous_commit off (WAL order keeps the crash-prefix promise),
//     sync=true with the database's own setting, so a synchronous standby
//     has the batch before it is acknowledged;
//   - reads: a Get on the store is one statement; a scan on the store and
//     every read view are a REPEATABLE READ READ ONLY transaction on a
//     pooled connection, read in pages of keys (keyset pagination), so the
//     pages all come from one snapshot;
//   - one active server per database: the writer's connection holds a
//     session advisory lock (kActiveLockKey). The lock and the writes share
//     that one session, so a writer that lost the lock (its connection
//     broke) cannot write any more, and another server may take over.
//   - fail-stop: a failed write refuses every later one until reopened.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/store/kv_store.h"
#include "common/store/store_factory.h"

namespace pqxx {
class transaction_base;
}

namespace wardsync::pg {

struct PgConn;
class PgPool;

// The advisory lock key of "this database has an active wardsync server".
inline constexpr int64_t kActiveLockKey = 0x7761726473796e63;  // "wardsync"

struct PgStoreOptions {
  bool create_if_missing = false;  // create the tables (needs the active lock)
  // `run`: wait until this process is the database's active server. Others
  // open at once and, if another server is active, refuse writes.
  bool wait_to_be_active = false;
  // Called between tries while waiting; false gives up (e.g. a stop signal).
  std::function<bool()> keep_waiting;
  size_t max_idle_readers = 8;
};

class PgStore : public KvStore {
 public:
  static Result<std::unique_ptr<PgStore>> Open(const std::string& url, const PgStoreOptions& options);
  ~PgStore() override;

  Status Get(std::string_view key, std::string* value) override;
  Status MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values) override;
  std::unique_ptr<KvIterator> Scan(std::string_view prefix, std::string_view start = {}) override;
  std::unique_ptr<KvIterator> ScanReverse(std::string_view prefix) override;
  Status Write(const WriteBatch& batch, bool sync) override;
  std::unique_ptr<KvReadView> NewReadView() override;

  // Whether this process holds the database's active lock (may write).
  bool active() const { return active_; }

 private:
  PgStore() = default;
  Status TakeActiveLock(const PgStoreOptions& options);
  Status ReadWithRetry(const std::function<Status(PgConn&, pqxx::transaction_base&)>& read);
  Status CheckSchema(bool create);

  std::string url_;
  std::unique_ptr<PgPool> pool_;
  std::mutex write_mu_;
  std::unique_ptr<PgConn> writer_;   // holds the active lock
  int writer_pid_ = 0;               // its backend, to notice a silent reconnect
  bool active_ = false;
  bool unsynced_session_ = false;    // the writer's session has synchronous_commit off
  Status write_refusal_;             // set: every Write returns it
};

// The server's opener of postgresql:// urls for StoreOptions::postgresql
// (common/store/store_factory.h), with these options bound in.
EngineOpener PgOpener(PgStoreOptions options);

}  // namespace wardsync::pg

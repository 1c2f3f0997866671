#include "server/store/pg/pg_store.h"

#include <chrono>
#include <map>
#include <thread>

#include "server/store/pg/pg_connection_pool.h"
#include "server/store/pg/pg_families.h"
#include "server/store/pg/pg_reader.h"
#include "common/util/log.h"

namespace wardsync::pg {
namespace {

// A bytea[] in PostgreSQL's array text form: {"\\x0a0b",...} (the doubled
// backslash is the array quoting of the one bytea's hex form starts with).
std::string ByteaArray(const std::vector<std::string_view>& items) {
  static const char* kHex = "0123456789abcdef";
  size_t n = 2;
  for (auto s : items) n += 2 * s.size() + 6;
  std::string out;
  out.reserve(n);
  out.push_back('{');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out.append("\"\\\\x");
    for (unsigned char c : items[i]) {
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

// What one batch does to one table, each key once (its last op in the batch).
struct TableOps {
  std::vector<std::string_view> put_keys, put_values, delete_keys;
};

std::map<std::string_view, TableOps> GroupByTable(const WriteBatch& batch) {
  std::map<std::string_view, std::optional<std::string_view>> last;  // nullopt: deleted
  batch.ForEach([&](std::string_view key, std::optional<std::string_view> value) { last[key] = value; });
  std::map<std::string_view, TableOps> out;
  for (const auto& [key, value] : last) {
    TableOps& t = out[TableOf(key)];
    if (value) {
      t.put_keys.push_back(key);
      t.put_values.push_back(*value);
    } else {
      t.delete_keys.push_back(key);
    }
  }
  return out;
}

// The whole batch as ONE statement: a data-modifying WITH clause per table
// (its deletes, its upserts), $n the bytea[] arrays in `params`. A single
// statement is atomic on its own, so the batch costs one round trip.
std::string BatchSql(const std::map<std::string_view, TableOps>& tables, std::vector<std::string>* params) {
  std::string sql = "WITH ";
  auto param = [&](std::string value) {
    params->push_back(std::move(value));
    return std::string("$") + std::to_string(params->size()) + "::bytea[]";
  };
  size_t n = 0;
  for (const auto& [table, ops] : tables) {
    const std::string t(table);
    if (!ops.delete_keys.empty()) {
      if (n) sql += ", ";
      const std::string keys = param(ByteaArray(ops.delete_keys));
      sql += std::string("w") + std::to_string(n++) + " AS (DELETE FROM " + t + " WHERE k = ANY(" + keys + "))";
    }
    if (!ops.put_keys.empty()) {
      if (n) sql += ", ";
      const std::string keys = param(ByteaArray(ops.put_keys));
      sql += std::string("w") + std::to_string(n++) + " AS (INSERT INTO " + t + " (k, v) SELECT * FROM unnest(" + keys + ", " +
             param(ByteaArray(ops.put_values)) + ") ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v)";
    }
  }
  return sql + " SELECT 1";
}

}  // namespace

EngineOpener PgOpener(PgStoreOptions options) {
  return [options](const std::string& url, bool create_if_missing) -> Result<std::unique_ptr<KvStore>> {
    PgStoreOptions o = options;
    o.create_if_missing = create_if_missing;
    auto db = PgStore::Open(url, o);
    if (!db.ok()) return db.status();
    return std::unique_ptr<KvStore>(std::move(db).value());
  };
}

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& url, const PgStoreOptions& options) {
  std::unique_ptr<PgStore> s(new PgStore());
  s->url_ = url;
  auto writer = Connect(url);
  if (!writer.ok()) return writer.status();
  s->writer_ = std::move(writer).value();
  // The lock lives in the writer's session: if that session is lost, the
  // writes must stop with it, never go on through a silent reconnect.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  s->writer_->c.inhibit_reactivation(true);
#pragma GCC diagnostic pop
  WS_RETURN_IF_ERROR(s->TakeActiveLock(options));
  WS_RETURN_IF_ERROR(s->CheckSchema(options.create_if_missing));
  s->pool_ = std::make_unique<PgPool>(url, options.max_idle_readers);
  return s;
}

PgStore::~PgStore() = default;

Status PgStore::TakeActiveLock(const PgStoreOptions& options) {
  bool told = false;
  for (;;) {
    try {
      pqxx::nontransaction n(writer_->c);
      active_ = n.exec_params1("SELECT pg_try_advisory_lock($1)", kActiveLockKey)[0].as<bool>();
      writer_pid_ = writer_->c.backendpid();
    } catch (const std::exception& e) {
      return Status::Unavailable(std::string("cannot take the active-server lock on ") + RedactUrl(url_) + ": " + e.what());
    }
    if (active_) {
      if (told) util::LogLine(std::string("this server is now the active one on ") + RedactUrl(url_));
      return Status::Ok();
    }
    if (!options.wait_to_be_active) {
      write_refusal_ = Status::Unavailable(
          std::string("another wardsync-server is active on ") + RedactUrl(url_) +
          " (it holds the database's active lock): run this command where that server runs");
      return Status::Ok();
    }
    if (!told) {
      util::LogLine(std::string("another wardsync-server is active on ") + RedactUrl(url_) +
                    "; waiting to take over when it stops");
      told = true;
    }
    if (options.keep_waiting ? !options.keep_waiting() : false) {
      return Status::Unavailable(std::string("stopped while waiting to become the active server on ") + RedactUrl(url_));
    }
    if (!options.keep_waiting) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

Status PgStore::CheckSchema(bool create) {
  const std::vector<std::string_view> tables = AllTables();
  std::string names = "{";  // a text[] of the table names
  for (auto t : tables) {
    if (names.size() > 1) names += ',';
    names += t;
  }
  names += '}';
  try {
    pqxx::work w(writer_->c);
    const auto present = w.exec_params1(
        "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1::text[])",
        names)[0].as<size_t>();
    if (present == tables.size()) return Status::Ok();
    if (!create) {
      return Status::NotFound(RedactUrl(url_) + " holds no wardsync store" +
                              (present ? " (only part of its tables: another version's layout?)" : "") +
                              " (run: wardsync-server init --store URL)");
    }
    if (!active_) return write_refusal_;
    for (auto t : tables) {
      w.exec(std::string("CREATE TABLE IF NOT EXISTS ") + std::string(t) + " (k bytea PRIMARY KEY, v bytea NOT NULL)");
    }
    w.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Io(std::string("cannot read or create the store's tables in ") + RedactUrl(url_) + ": " + e.what());
  }
}

// A read on a pooled connection outside any transaction. A reader's
// connection that broke (the database restarted) is dropped and the read
// tried once more on a fresh one.
Status PgStore::ReadWithRetry(const std::function<Status(PgConn&, pqxx::transaction_base&)>& read) {
  Status s;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    try {
      pqxx::nontransaction n((*conn)->c);
      s = read(**conn, n);
    } catch (const std::exception& e) {
      s = Status::Unavailable(std::string("lost the connection to PostgreSQL: ") + e.what());
    }
    if (s.code() != Status::Code::kUnavailable) return s;
  }
  return s;
}

Status PgStore::Get(std::string_view key, std::string* value) {
  return ReadWithRetry([&](PgConn& conn, pqxx::transaction_base& txn) { return GetIn(conn, txn, key, value); });
}

Status PgStore::MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values) {
  return ReadWithRetry(
      [&](PgConn& conn, pqxx::transaction_base& txn) { return MultiGetIn(conn, txn, keys, values); });
}

std::unique_ptr<KvIterator> PgStore::Scan(std::string_view prefix, std::string_view start) {
  auto snap = PgSnapshot::Begin(*pool_);
  if (!snap.ok()) snap = PgSnapshot::Begin(*pool_);  // once more, on a fresh connection
  if (!snap.ok()) return std::make_unique<PgIterator>(snap.status());
  return std::make_unique<PgIterator>(*snap, ForwardRange(prefix, start));
}

std::unique_ptr<KvIterator> PgStore::ScanReverse(std::string_view prefix) {
  auto snap = PgSnapshot::Begin(*pool_);
  if (!snap.ok()) snap = PgSnapshot::Begin(*pool_);
  if (!snap.ok()) return std::make_unique<PgIterator>(snap.status());
  return std::make_unique<PgIterator>(*snap, ReverseRange(prefix));
}

std::unique_ptr<KvReadView> PgStore::NewReadView() {
  auto snap = PgSnapshot::Begin(*pool_);
  if (!snap.ok()) snap = PgSnapshot::Begin(*pool_);
  return std::make_unique<PgReadView>(std::move(snap));
}

Status PgStore::Write(const WriteBatch& batch, bool sync) {
  std::lock_guard<std::mutex> l(write_mu_);
  if (!write_refusal_.ok()) return write_refusal_;
  if (batch.empty()) return Status::Ok();
  try {
    if (writer_->c.backendpid() != writer_pid_) throw pqxx::broken_connection("the writer's session changed");
    pqxx::nontransaction n(writer_->c);
    // Unsynced: the commit returns before its WAL is flushed; WAL order
    // still makes whatever survives a crash a prefix of the writes. Synced:
    // the database's own setting (a synchronous standby has it too).
    if (sync == unsynced_session_) {
      n.exec(sync ? "SET synchronous_commit TO DEFAULT" : "SET synchronous_commit TO off");
      unsynced_session_ = !sync;
    }
    std::vector<std::string> params;
    const std::string sql = BatchSql(GroupByTable(batch), &params);
    // The shapes of batches are few (which tables, puts or deletes): each is
    // prepared once; an unusual one is sent unprepared.
    if (writer_->prepared.count(sql) || writer_->prepared.size() < 256) {
      n.exec_prepared(writer_->Prepared(sql), pqxx::prepare::make_dynamic_params(params));
    } else {
      n.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    // The commit may or may not have happened: nothing may be written on
    // top of an unknown state (kv_store.h, "Fail-stop").
    write_refusal_ = Status::Io(std::string("the PostgreSQL store refuses writes after a failed write (restart to "
                                            "reopen it): ") + e.what());
    return Status::Io(std::string("write to PostgreSQL failed, its outcome is unknown: ") + e.what());
  }
}

}  // namespace wardsync::pg

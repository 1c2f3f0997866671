// Reading the PostgreSQL store's tables: the statements (a key's value, a
// page of keys in order across the tables a prefix names), the snapshot a
// view or a scan reads through, and the iterator that reads it page by page.
#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "common/store/kv_store.h"
#include "server/store/pg/pg_connection_pool.h"

namespace wardsync::pg {

using Rows = std::vector<std::pair<std::string, std::string>>;

// A key range of some tables: [lo, hi), hi "" = unbounded.
struct KeyRange {
  std::vector<std::string_view> tables;
  std::string lo;
  std::string hi;
  bool reverse = false;
};

// The value of a key, read in `txn` on `conn`.
Status GetIn(PgConn& conn, pqxx::transaction_base& txn, std::string_view key, std::string* value);
// KvReader::MultiGet in `txn` on `conn`: one statement per table the keys
// fall in (per 1,000 keys), instead of one per key.
Status MultiGetIn(PgConn& conn, pqxx::transaction_base& txn, const std::vector<std::string>& keys,
                  std::vector<std::optional<std::string>>* values);
// Up to `limit` rows of `range` in its order, read in `txn` on `conn`.
Status PageIn(PgConn& conn, pqxx::transaction_base& txn, const KeyRange& range, size_t limit, Rows* out);

// One REPEATABLE READ READ ONLY transaction on a pooled connection, its
// snapshot taken when Begin returns. Used by one view (and its iterators)
// or by one scan; calls are serialised.
class PgSnapshot {
 public:
  static Result<std::shared_ptr<PgSnapshot>> Begin(PgPool& pool);
  Status Get(std::string_view key, std::string* value);
  Status MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values);
  Status Page(const KeyRange& range, size_t limit, Rows* out);

 private:
  explicit PgSnapshot(PgPool::Lease lease) : lease_(std::move(lease)) {}
  std::mutex mu_;
  PgPool::Lease lease_;  // declared first: outlives the transaction
  std::unique_ptr<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>> txn_;
};

// Reads a range through a snapshot in pages: a few keys first (most scans
// want one or a handful), then bigger pages.
class PgIterator : public KvIterator {
 public:
  PgIterator(std::shared_ptr<PgSnapshot> snap, KeyRange range);
  explicit PgIterator(Status error) : status_(std::move(error)), done_(true) {}
  bool Valid() const override { return pos_ < rows_.size(); }
  void Next() override;
  std::string_view key() const override { return rows_[pos_].first; }
  std::string_view value() const override { return rows_[pos_].second; }
  Status status() const override { return status_; }

 private:
  void Fetch();

  std::shared_ptr<PgSnapshot> snap_;
  KeyRange range_;
  Rows rows_;
  size_t pos_ = 0;
  size_t page_ = 32;
  Status status_;
  bool done_ = false;
};

// A read view: one snapshot for every read made through it.
class PgReadView : public KvReadView {
 public:
  explicit PgReadView(Result<std::shared_ptr<PgSnapshot>> snap) : snap_(std::move(snap)) {}
  Status Get(std::string_view key, std::string* value) override;
  Status MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values) override;
  std::unique_ptr<KvIterator> Scan(std::string_view prefix, std::string_view start = {}) override;
  std::unique_ptr<KvIterator> ScanReverse(std::string_view prefix) override;

 private:
  Result<std::shared_ptr<PgSnapshot>> snap_;
};

// The range of Scan(prefix, start) and of ScanReverse(prefix).
KeyRange ForwardRange(std::string_view prefix, std::string_view start);
KeyRange ReverseRange(std::string_view prefix);

}  // namespace wardsync::pg

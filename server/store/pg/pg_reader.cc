#include "server/store/pg/pg_reader.h"

#include "server/store/pg/pg_families.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace wardsync::pg {
namespace {

constexpr size_t kMaxPage = 512;

std::string GetSql(std::string_view table) { return std::string("SELECT v FROM ") + std::string(table) + " WHERE k = $1"; }
std::string MultiGetSql(std::string_view table) {
  return std::string("SELECT k, v FROM ") + std::string(table) + " WHERE k = ANY($1::bytea[])";
}
constexpr size_t kMultiGetChunk = 1000;

// A bytea[] in PostgreSQL's text array syntax: {"\\x0a1b",...} (each element
// quoted, its backslash escaped, the value in bytea's hex input format).
std::string ByteaArrayLiteral(const std::vector<std::string>& keys, const std::vector<size_t>& which) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "{";
  for (size_t n = 0; n < which.size(); ++n) {
    if (n) out += ',';
    out += "\"\\\\x";
    for (unsigned char c : keys[which[n]]) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    out += '"';
  }
  return out + "}";
}

// One page of a range. Several tables: their ordered index scans merged
// (the planner's Merge Append) into one key order.
std::string PageSql(const KeyRange& r, size_t limit) {
  const std::string cond = r.hi.empty() ? " WHERE k >= $1" : " WHERE k >= $1 AND k < $2";
  const std::string order = std::string(" ORDER BY k") + (r.reverse ? " DESC" : "") + " LIMIT " + std::to_string(limit);
  if (r.tables.size() == 1) return std::string("SELECT k, v FROM ") + std::string(r.tables[0]) + cond + order;
  std::string sql = "SELECT k, v FROM (";
  for (size_t i = 0; i < r.tables.size(); ++i) {
    if (i) sql += " UNION ALL ";
    sql += std::string("SELECT k, v FROM ") + std::string(r.tables[i]) + cond;
  }
  return sql + ") AS u" + order;
}

Status ReadFailed(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) {
    return Status::Unavailable(std::string("lost the connection to PostgreSQL: ") + e.what());
  }
  return Status::Io(std::string("PostgreSQL read failed: ") + e.what());
}

}  // namespace

Status GetIn(PgConn& conn, pqxx::transaction_base& txn, std::string_view key, std::string* value) {
  try {
    pqxx::result r = txn.exec_prepared(conn.Prepared(GetSql(TableOf(key))), pqxx::binarystring(std::string(key)));
    if (r.empty()) return Status::NotFound("not found");
    *value = pqxx::binarystring(r[0][0]).str();
    return Status::Ok();
  } catch (const std::exception& e) {
    return ReadFailed(e);
  }
}

Status MultiGetIn(PgConn& conn, pqxx::transaction_base& txn, const std::vector<std::string>& keys,
                  std::vector<std::optional<std::string>>* values) {
  values->assign(keys.size(), std::nullopt);
  // Keys per table, in chunks; answers matched back to their positions by
  // key (a key may be asked for twice).
  std::map<std::string_view, std::vector<size_t>> by_table;
  for (size_t i = 0; i < keys.size(); ++i) by_table[TableOf(keys[i])].push_back(i);
  try {
    for (const auto& [table, all] : by_table) {
      const std::string& stmt = conn.Prepared(MultiGetSql(table));
      for (size_t from = 0; from < all.size(); from += kMultiGetChunk) {
        std::vector<size_t> which(all.begin() + from, all.begin() + std::min(all.size(), from + kMultiGetChunk));
        std::unordered_map<std::string, std::vector<size_t>> wanted;
        for (size_t i : which) wanted[keys[i]].push_back(i);
        pqxx::result r = txn.exec_prepared(stmt, ByteaArrayLiteral(keys, which));
        for (const auto& row : r) {
          auto it = wanted.find(pqxx::binarystring(row[0]).str());
          if (it == wanted.end()) continue;
          const std::string v = pqxx::binarystring(row[1]).str();
          for (size_t i : it->second) (*values)[i] = v;
        }
      }
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    return ReadFailed(e);
  }
}

Status PageIn(PgConn& conn, pqxx::transaction_base& txn, const KeyRange& range, size_t limit, Rows* out) {
  out->clear();
  try {
    const std::string& stmt = conn.Prepared(PageSql(range, limit));
    pqxx::result r = range.hi.empty() ? txn.exec_prepared(stmt, pqxx::binarystring(range.lo))
                                      : txn.exec_prepared(stmt, pqxx::binarystring(range.lo), pqxx::binarystring(range.hi));
    out->reserve(r.size());
    for (const auto& row : r) out->emplace_back(pqxx::binarystring(row[0]).str(), pqxx::binarystring(row[1]).str());
    return Status::Ok();
  } catch (const std::exception& e) {
    return ReadFailed(e);
  }
}

Result<std::shared_ptr<PgSnapshot>> PgSnapshot::Begin(PgPool& pool) {
  auto lease = pool.Acquire();
  if (!lease.ok()) return lease.status();
  std::shared_ptr<PgSnapshot> s(new PgSnapshot(std::move(lease).value()));
  try {
    s->txn_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(s->lease_->c);
    // The snapshot is taken by the first statement: take it now, so the view
    // is the store as of this call, not as of its first read.
    s->txn_->exec("SELECT 1");
  } catch (const std::exception& e) {
    return ReadFailed(e);
  }
  return s;
}

Status PgSnapshot::Get(std::string_view key, std::string* value) {
  std::lock_guard<std::mutex> l(mu_);
  return GetIn(*lease_, *txn_, key, value);
}

Status PgSnapshot::MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values) {
  std::lock_guard<std::mutex> l(mu_);
  return MultiGetIn(*lease_, *txn_, keys, values);
}

Status PgSnapshot::Page(const KeyRange& range, size_t limit, Rows* out) {
  std::lock_guard<std::mutex> l(mu_);
  return PageIn(*lease_, *txn_, range, limit, out);
}

PgIterator::PgIterator(std::shared_ptr<PgSnapshot> snap, KeyRange range)
    : snap_(std::move(snap)), range_(std::move(range)) {
  Fetch();
}

void PgIterator::Next() {
  if (++pos_ < rows_.size()) return;
  Fetch();
}

void PgIterator::Fetch() {
  rows_.clear();
  pos_ = 0;
  if (done_) return;
  Status s = snap_->Page(range_, page_, &rows_);
  if (!s.ok()) {
    status_ = s;
    rows_.clear();
    done_ = true;
    return;
  }
  if (rows_.size() < page_) {
    done_ = true;
  } else if (range_.reverse) {
    if (rows_.back().first.empty()) done_ = true;  // "" is the first key: nothing lies before it
    range_.hi = rows_.back().first;  // the next page ends before the last key
  } else {
    range_.lo = rows_.back().first;
    range_.lo.push_back('\0');  // the key right after the last one
  }
  page_ = std::min(page_ * 4, kMaxPage);
}

Status PgReadView::Get(std::string_view key, std::string* value) {
  if (!snap_.ok()) return snap_.status();
  return (*snap_)->Get(key, value);
}

Status PgReadView::MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values) {
  if (!snap_.ok()) return snap_.status();
  return (*snap_)->MultiGet(keys, values);
}

std::unique_ptr<KvIterator> PgReadView::Scan(std::string_view prefix, std::string_view start) {
  if (!snap_.ok()) return std::make_unique<PgIterator>(snap_.status());
  return std::make_unique<PgIterator>(*snap_, ForwardRange(prefix, start));
}

std::unique_ptr<KvIterator> PgReadView::ScanReverse(std::string_view prefix) {
  if (!snap_.ok()) return std::make_unique<PgIterator>(snap_.status());
  return std::make_unique<PgIterator>(*snap_, ReverseRange(prefix));
}

KeyRange ForwardRange(std::string_view prefix, std::string_view start) {
  KeyRange r;
  r.tables = TablesFor(prefix);
  r.lo = std::string(start > prefix ? start : prefix);
  r.hi = PrefixEnd(prefix);
  return r;
}

KeyRange ReverseRange(std::string_view prefix) {
  KeyRange r = ForwardRange(prefix, {});
  r.reverse = true;
  return r;
}

}  // namespace wardsync::pg

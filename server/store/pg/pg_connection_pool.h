// Connections to the store's database for readers: a Get or a scan made on
// the store, and every read view, borrows one for as long as it reads (a
// view keeps its REPEATABLE READ transaction open on it). A few idle
// connections are kept for the next reader; the rest are closed. A broken
// connection is never handed out again.
//
// Thread-safe. The pool must outlive every connection it lent.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/store/store_factory.h"  // RedactUrl

namespace wardsync::pg {

// One connection and the statements prepared on it.
struct PgConn {
  explicit PgConn(const std::string& url) : c(url) {}
  // The name of `sql` prepared on this connection (prepared on first use).
  const std::string& Prepared(const std::string& sql);

  pqxx::connection c;
  std::map<std::string, std::string> prepared;
};

class PgPool {
 public:
  PgPool(std::string url, size_t max_idle) : url_(std::move(url)), max_idle_(max_idle) {}

  struct Return {
    PgPool* pool;
    void operator()(PgConn* c) const { pool->Put(c); }
  };
  using Lease = std::unique_ptr<PgConn, Return>;

  // An idle connection or a new one; an error when the database cannot be reached.
  Result<Lease> Acquire();

 private:
  void Put(PgConn* c);

  const std::string url_;
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<PgConn>> idle_;
};

// Opens a connection, or says why not (with any password in the URL hidden).
Result<std::unique_ptr<PgConn>> Connect(const std::string& url);

}  // namespace wardsync::pg

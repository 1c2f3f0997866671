#include "server/store/pg/pg_connection_pool.h"

namespace wardsync::pg {

const std::string& PgConn::Prepared(const std::string& sql) {
  auto it = prepared.find(sql);
  if (it != prepared.end()) return it->second;
  std::string name = std::string("ws") + std::to_string(prepared.size());
  c.prepare(name, sql);
  return prepared.emplace(sql, std::move(name)).first->second;
}

Result<std::unique_ptr<PgConn>> Connect(const std::string& url) {
  try {
    return std::make_unique<PgConn>(url);
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("cannot connect to PostgreSQL at ") + RedactUrl(url) + ": " + e.what());
  }
}

Result<PgPool::Lease> PgPool::Acquire() {
  {
    std::lock_guard<std::mutex> l(mu_);
    while (!idle_.empty()) {
      std::unique_ptr<PgConn> c = std::move(idle_.back());
      idle_.pop_back();
      if (c->c.is_open()) return Lease(c.release(), Return{this});
    }
  }
  auto c = Connect(url_);
  if (!c.ok()) return c.status();
  return Lease(c->release(), Return{this});
}

void PgPool::Put(PgConn* raw) {
  std::unique_ptr<PgConn> c(raw);
  if (!c->c.is_open()) return;
  std::lock_guard<std::mutex> l(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
}

}  // namespace wardsync::pg

#include "server/dashboard/session_table.h"

#include <algorithm>

#include "common/crypto/digest.h"

namespace wardsync::server::dashboard {

Session SessionTable::Create(const std::string& user, const std::string& password_hash, const std::string& address,
                             uint64_t now_ms) {
  Session s{crypto::Hex(crypto::RandomBytes(32)), crypto::Hex(crypto::RandomBytes(32)), user, password_hash, address, now_ms};
  std::lock_guard lock(mu_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = now_ms - it->second.last_used_ms > idle_ms_ ? sessions_.erase(it) : std::next(it);
  }
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.last_used_ms < b.second.last_used_ms;
    });
    sessions_.erase(oldest);
  }
  sessions_[s.id] = s;
  return s;
}

std::optional<Session> SessionTable::Touch(const std::string& id, uint64_t now_ms) {
  if (id.size() != 64) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);  // the id is 256 random bits: a lookup leaks nothing useful
  if (it == sessions_.end()) return std::nullopt;
  if (now_ms - it->second.last_used_ms > idle_ms_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used_ms = now_ms;
  return it->second;
}

void SessionTable::End(const std::string& id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
}

uint64_t SessionTable::RetryAfterS(const std::string& user, const std::string& address, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  uint64_t until = 0;
  if (auto it = by_user_.find(user); it != by_user_.end()) until = std::max(until, it->second.until_ms);
  if (auto it = by_address_.find(address); it != by_address_.end()) until = std::max(until, it->second.until_ms);
  return until > now_ms ? (until - now_ms + 999) / 1000 : 0;
}

void SessionTable::Fail(Failures& f, uint64_t now_ms) {
  ++f.count;
  if (f.count <= kFreeFailures) return;
  const uint32_t doublings = std::min<uint32_t>(f.count - kFreeFailures - 1, 20);
  f.until_ms = now_ms + std::min<uint64_t>(1000ull << doublings, kMaxDelayMs);
}

uint32_t SessionTable::Failed(const std::string& user, const std::string& address, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  // Bounded memory against a flood of made-up names: forget the lot (the
  // per-address entry still slows the flooder).
  if (by_user_.size() > 10000) by_user_.clear();
  if (by_address_.size() > 10000) by_address_.clear();
  Fail(by_user_[user], now_ms);
  Fail(by_address_[address], now_ms);
  return by_user_[user].count;
}

void SessionTable::Succeeded(const std::string& user, const std::string& address) {
  std::lock_guard lock(mu_);
  by_user_.erase(user);
  by_address_.erase(address);
}

}  // namespace wardsync::server::dashboard

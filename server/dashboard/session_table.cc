#include "server/dashboard/session_table.h"

#include <algorithm>

#include "common/crypto/digest.h"
#include "common/store/proto_io.h"
#include "proto/store.pb.h"
#include "server/store/server_keys.h"

namespace wardsync::server::dashboard {
namespace {

std::string Digest(const std::string& text) { return crypto::Hex(crypto::Sha256(text)); }

// Unused for longer than idle_ms; a clock that went back counts as no time passed.
bool Idle(uint64_t last_used_ms, uint64_t now_ms, uint64_t idle_ms) {
  return now_ms > last_used_ms && now_ms - last_used_ms > idle_ms;
}

}  // namespace

bool Session::SamePassword(const std::string& password_hash) const {
  return crypto::SecureEqual(Digest(password_hash), password_digest);
}

void SessionTable::Put(WriteBatch& batch, const Session& s) {
  wardsync::store::DashboardSession p;
  p.set_user(s.user);
  p.set_password_digest(s.password_digest);
  p.set_csrf(s.csrf);
  p.set_address(s.address);
  p.set_created_ms(s.created_ms);
  p.set_last_used_ms(s.last_used_ms);
  PutProto(batch, keys::DashSession(s.key), p);
}

void SessionTable::Write(WriteBatch batch, bool wait) {
  if (write_ && !batch.empty()) write_(std::move(batch), wait);
}

Status SessionTable::Persist(KvReader& store, SessionWrite write, uint64_t now_ms) {
  WriteBatch expired;
  std::map<std::string, Session> live;
  auto it = store.Scan(keys::kSessionPrefix);
  for (; it->Valid(); it->Next()) {
    const std::string key(it->key().substr(keys::kSessionPrefix.size()));
    wardsync::store::DashboardSession p;
    if (!p.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      expired.Delete(std::string(it->key()));  // unreadable: the session is lost, not the server
      continue;
    }
    if (Idle(p.last_used_ms(), now_ms, idle_ms_)) {
      expired.Delete(std::string(it->key()));
      continue;
    }
    live[key] = Session{"", key, p.csrf(), p.user(), p.password_digest(), p.address(), p.created_ms(),
                        p.last_used_ms(), p.last_used_ms()};
  }
  if (!it->status().ok()) return it->status();
  {
    std::lock_guard lock(mu_);
    write_ = std::move(write);
    sessions_.merge(live);
  }
  Write(std::move(expired), false);
  return Status::Ok();
}

Session SessionTable::Create(const std::string& user, const std::string& password_hash, const std::string& address,
                             uint64_t now_ms) {
  Session s;
  s.id = crypto::Hex(crypto::RandomBytes(32));
  s.key = Digest(s.id);
  s.csrf = crypto::Hex(crypto::RandomBytes(32));
  s.user = user;
  s.password_digest = Digest(password_hash);
  s.address = address;
  s.created_ms = s.last_used_ms = s.saved_ms = now_ms;
  WriteBatch batch;
  {
    std::lock_guard lock(mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (Idle(it->second.last_used_ms, now_ms, idle_ms_)) {
        batch.Delete(keys::DashSession(it->first));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
    if (sessions_.size() >= kMaxSessions) {
      auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
        return a.second.last_used_ms < b.second.last_used_ms;
      });
      batch.Delete(keys::DashSession(oldest->first));
      sessions_.erase(oldest);
    }
    Session kept = s;
    kept.id.clear();
    sessions_[s.key] = kept;
  }
  Put(batch, s);
  Write(std::move(batch), /*wait=*/true);  // durable before the cookie is handed out
  return s;
}

std::optional<Session> SessionTable::Touch(const std::string& id, uint64_t now_ms) {
  if (id.size() != 64) return std::nullopt;
  const std::string key = Digest(id);
  WriteBatch batch;
  std::optional<Session> out;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(key);
    if (it == sessions_.end()) return std::nullopt;
    if (Idle(it->second.last_used_ms, now_ms, idle_ms_)) {
      sessions_.erase(it);
      batch.Delete(keys::DashSession(key));
    } else {
      it->second.last_used_ms = std::max(it->second.last_used_ms, now_ms);
      if (it->second.last_used_ms - it->second.saved_ms >= kSaveEveryMs) {
        it->second.saved_ms = it->second.last_used_ms;
        Put(batch, it->second);
      }
      out = it->second;
    }
  }
  Write(std::move(batch), false);
  return out;
}

void SessionTable::End(const Session& s) {
  {
    std::lock_guard lock(mu_);
    sessions_.erase(s.key);
  }
  WriteBatch batch;
  batch.Delete(keys::DashSession(s.key));
  Write(std::move(batch), false);
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

// The dashboard's logged-in sessions and its login throttle.
//
// A session is a random 256-bit token (the cookie) with its own anti-CSRF
// token, the account it belongs to, a digest of the password hash it logged
// in with (a changed password ends it) and when it was last used (idle
// expiry). Kept in memory and, once Persist is called, in the server store
// (sess/<SHA-256 of the token>, store.DashboardSession) written through the
// committer, so a restart does not log everyone out. Only the token's hash
// is stored: a copy of the store gives no usable cookie. The last use is
// written at most every kSaveEveryMs (a write per request would cost a
// store write per page), so after a restart a session may end up to that
// much earlier than it would have.
//
// Throttle (memory only: a restart forgives): after kFreeFailures wrong
// passwords for one user name or from one address, further tries are
// refused until a delay has passed that doubles with each failure (1 s,
// 2 s, 4 s ... up to kMaxDelay). Refused tries do not even reach the
// password check, so guessing stays slow and cheap for us.
// Thread-safe.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"
#include "common/store/kv_store.h"

namespace wardsync::server::dashboard {

struct Session {
  std::string id;              // the cookie's token: only in Create's answer, never kept
  std::string key;             // SHA-256 hex of the token: how it is found and stored
  std::string csrf;
  std::string user;
  std::string password_digest;  // SHA-256 hex of the password hash at login
  std::string address;          // client IP at login
  uint64_t created_ms = 0;
  uint64_t last_used_ms = 0;
  uint64_t saved_ms = 0;        // last_used_ms as last written to the store
  // The account's password is still the one this session logged in with.
  bool SamePassword(const std::string& password_hash) const;
};

// Applies a batch to the server store on the committer thread; wait: until
// it is durable (a login), else queued (a touch, an end).
using SessionWrite = std::function<void(WriteBatch batch, bool wait)>;

class SessionTable {
 public:
  explicit SessionTable(uint64_t idle_ms = 30 * 60 * 1000) : idle_ms_(idle_ms) {}
  void set_idle_ms(uint64_t ms) { idle_ms_ = ms; }  // before the server starts

  // From now on sessions are kept in the store through `write`; the live
  // ones stored there are taken back, the expired ones deleted. Before the
  // server starts.
  Status Persist(KvReader& store, SessionWrite write, uint64_t now_ms);

  Session Create(const std::string& user, const std::string& password_hash, const std::string& address,
                 uint64_t now_ms);
  // The live session with this token (its idle clock restarted), or nullopt.
  std::optional<Session> Touch(const std::string& id, uint64_t now_ms);
  void End(const Session& s);

  // 0 if a login try for (user, address) may go ahead now, else the seconds
  // to wait.
  uint64_t RetryAfterS(const std::string& user, const std::string& address, uint64_t now_ms);
  // Returns how many failures in a row (user, address) now have.
  uint32_t Failed(const std::string& user, const std::string& address, uint64_t now_ms);
  void Succeeded(const std::string& user, const std::string& address);

  static constexpr uint32_t kFreeFailures = 3;
  static constexpr uint64_t kMaxDelayMs = 5 * 60 * 1000;
  static constexpr size_t kMaxSessions = 1000;  // the least recently used goes beyond this
  static constexpr uint64_t kSaveEveryMs = 60 * 1000;

 private:
  struct Failures {
    uint32_t count = 0;
    uint64_t until_ms = 0;  // no try before this
  };
  void Fail(Failures& f, uint64_t now_ms);
  // Queues the store writes of `batch` (nothing when not persisting). Called without mu_ held.
  void Write(WriteBatch batch, bool wait);
  static void Put(WriteBatch& batch, const Session& s);

  uint64_t idle_ms_;
  SessionWrite write_;  // empty: memory only
  std::mutex mu_;
  std::map<std::string, Session> sessions_;  // by key
  std::map<std::string, Failures> by_user_, by_address_;
};

}  // namespace wardsync::server::dashboard

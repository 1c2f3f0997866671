// The dashboard's logged-in sessions and its login throttle. In memory only:
// a server restart logs everyone out, which is the safe direction.
//
// A session is a random 256-bit id (the cookie) with its own anti-CSRF token,
// the account it belongs to, the password hash it logged in with (a changed
// password ends it) and when it was last used (idle expiry).
//
// Throttle: after kFreeFailures wrong passwords for one user name or from one
// address, further tries are refused until a delay has passed that doubles
// with each failure (1 s, 2 s, 4 s ... up to kMaxDelay). Refused tries do not
// even reach the password check, so guessing stays slow and cheap for us.
// Thread-safe.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace wardsync::server::dashboard {

struct Session {
  std::string id;
  std::string csrf;
  std::string user;
  std::string password_hash;  // as at login
  std::string address;        // client IP at login
  uint64_t last_used_ms = 0;
};

class SessionTable {
 public:
  explicit SessionTable(uint64_t idle_ms = 30 * 60 * 1000) : idle_ms_(idle_ms) {}
  void set_idle_ms(uint64_t ms) { idle_ms_ = ms; }  // before the server starts

  Session Create(const std::string& user, const std::string& password_hash, const std::string& address,
                 uint64_t now_ms);
  // The live session with this id (its idle clock restarted), or nullopt.
  std::optional<Session> Touch(const std::string& id, uint64_t now_ms);
  void End(const std::string& id);

  // 0 if a login try for (user, address) may go ahead now, else the seconds
  // to wait.
  uint64_t RetryAfterS(const std::string& user, const std::string& address, uint64_t now_ms);
  // Returns how many failures in a row (user, address) now have.
  uint32_t Failed(const std::string& user, const std::string& address, uint64_t now_ms);
  void Succeeded(const std::string& user, const std::string& address);

  static constexpr uint32_t kFreeFailures = 3;
  static constexpr uint64_t kMaxDelayMs = 5 * 60 * 1000;
  static constexpr size_t kMaxSessions = 1000;  // the least recently used goes beyond this

 private:
  struct Failures {
    uint32_t count = 0;
    uint64_t until_ms = 0;  // no try before this
  };
  void Fail(Failures& f, uint64_t now_ms);

  uint64_t idle_ms_;
  std::mutex mu_;
  std::map<std::string, Session> sessions_;
  std::map<std::string, Failures> by_user_, by_address_;
};

}  // namespace wardsync::server::dashboard

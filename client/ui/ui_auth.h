// Who may use the officer app: the per-device secret in the URL the agent
// prints is traded once for a session (an HttpOnly, SameSite=Strict cookie);
// every state-changing request must also carry that session's anti-CSRF
// token in a header, which a page of another site cannot read or set.
//
// The secret is made fresh at each agent start (32 random bytes) and written
// only to DIR/ui-url (0600) and the agent's stdout. Thread-safe.
#pragma once
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace wardsync::client::ui {

class UiAuth {
 public:
  UiAuth();
  const std::string& secret() const { return secret_; }

  // A new session for a request that showed the secret; nullopt otherwise.
  // Returns the session id (the cookie's value).
  std::optional<std::string> Login(const std::string& presented_secret);
  // The session's anti-CSRF token, or nullopt when `session_id` is unknown.
  std::optional<std::string> Csrf(const std::string& session_id) const;
  // The session exists and `token` is its anti-CSRF token.
  bool CheckCsrf(const std::string& session_id, const std::string& token) const;

  static constexpr size_t kMaxSessions = 32;  // the oldest is dropped beyond this

 private:
  struct Session {
    std::string id;
    std::string csrf;
  };
  const Session* Find(const std::string& id) const;

  std::string secret_;
  mutable std::mutex mu_;
  std::deque<Session> sessions_;
};

// 2*n lowercase hex digits from the OS random generator.
std::string RandomHex(size_t n);
// Constant-time comparison (the length is not secret).
bool SameSecret(const std::string& a, const std::string& b);

}  // namespace wardsync::client::ui

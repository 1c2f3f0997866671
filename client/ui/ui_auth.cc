#include "client/ui/ui_auth.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace wardsync::client::ui {

std::string RandomHex(size_t n) {
  std::string raw(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("no random bytes from OpenSSL");  // only at startup or login; fail-stop
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool SameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

UiAuth::UiAuth() : secret_(RandomHex(32)) {}

std::optional<std::string> UiAuth::Login(const std::string& presented_secret) {
  if (!SameSecret(presented_secret, secret_)) return std::nullopt;
  Session s{RandomHex(32), RandomHex(32)};
  std::lock_guard lock(mu_);
  sessions_.push_back(s);
  while (sessions_.size() > kMaxSessions) sessions_.pop_front();
  return s.id;
}

const UiAuth::Session* UiAuth::Find(const std::string& id) const {
  for (const auto& s : sessions_) {
    if (SameSecret(id, s.id)) return &s;
  }
  return nullptr;
}

std::optional<std::string> UiAuth::Csrf(const std::string& session_id) const {
  std::lock_guard lock(mu_);
  const Session* s = Find(session_id);
  if (s == nullptr) return std::nullopt;
  return s->csrf;
}

bool UiAuth::CheckCsrf(const std::string& session_id, const std::string& token) const {
  std::lock_guard lock(mu_);
  const Session* s = Find(session_id);
  return s != nullptr && SameSecret(token, s->csrf);
}

}  // namespace wardsync::client::ui

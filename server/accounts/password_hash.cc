#include "server/accounts/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <vector>

#include "common/crypto/digest.h"

namespace wardsync::server::accounts {
namespace {

constexpr uint64_t kN = 1u << 15;
constexpr uint64_t kR = 8;
constexpr uint64_t kP = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
// Above any parameters we accept when reading a stored hash (128*N*r*p).
constexpr uint64_t kMaxMem = 256ull << 20;

struct Parsed {
  uint64_t n = 0, r = 0, p = 0;
  std::string salt, hash;
};

bool Parse(const std::string& stored, Parsed* p) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (true) {
    size_t d = stored.find('$', pos);
    parts.push_back(stored.substr(pos, d == std::string::npos ? std::string::npos : d - pos));
    if (d == std::string::npos) break;
    pos = d + 1;
  }
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  auto num = [](const std::string& s, uint64_t* v) {
    char* end = nullptr;
    *v = std::strtoull(s.c_str(), &end, 10);
    return !s.empty() && *end == 0 && s[0] != '-';
  };
  if (!num(parts[1], &p->n) || !num(parts[2], &p->r) || !num(parts[3], &p->p)) return false;
  // Powers of two only, and bounded: a hash from elsewhere must not make a
  // login take minutes or gigabytes.
  if (p->n < 2 || (p->n & (p->n - 1)) || p->n > (1u << 20) || p->r == 0 || p->r > 32 || p->p == 0 || p->p > 4) {
    return false;
  }
  if (128 * p->n * p->r * p->p > kMaxMem / 2) return false;
  return crypto::FromHex(parts[4], &p->salt) && crypto::FromHex(parts[5], &p->hash) && p->salt.size() >= 8 &&
         p->hash.size() == kHashBytes;
}

bool Derive(const std::string& password, const std::string& salt, uint64_t n, uint64_t r, uint64_t p,
            std::string* out) {
  out->assign(kHashBytes, '\0');
  return EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                        salt.size(), n, r, p, kMaxMem, reinterpret_cast<unsigned char*>(out->data()), out->size()) == 1;
}

}  // namespace

Result<std::string> HashPassword(const std::string& password) {
  if (password.size() < 8) return Status::Invalid("the password is too short: at least 8 characters");
  if (password.size() > 1024) return Status::Invalid("the password is too long: at most 1024 bytes");
  const std::string salt = crypto::RandomBytes(kSaltBytes);
  std::string hash;
  if (!Derive(password, salt, kN, kR, kP, &hash)) return Status::Internal("scrypt failed (OpenSSL)");
  return "scrypt$" + std::to_string(kN) + "$" + std::to_string(kR) + "$" + std::to_string(kP) + "$" +
         crypto::Hex(salt) + "$" + crypto::Hex(hash);
}

bool CheckPassword(const std::string& password, const std::string& stored) {
  Parsed p;
  if (password.empty() || password.size() > 1024 || !Parse(stored, &p)) return false;
  std::string hash;
  if (!Derive(password, p.salt, p.n, p.r, p.p, &hash)) return false;
  return CRYPTO_memcmp(hash.data(), p.hash.data(), kHashBytes) == 0;
}

bool WellFormedHash(const std::string& stored) {
  Parsed p;
  return Parse(stored, &p);
}

}  // namespace wardsync::server::accounts

// Dashboard passwords, kept only as a slow salted hash: scrypt through
// OpenSSL (EVP_PBE_scrypt), N=2^15, r=8, p=1 (32 MiB, ~0.1 s per try on the
// target machine), a 16-byte random salt, a 32-byte result. The text form
// carries its parameters so they can be raised later without breaking old
// hashes:  scrypt$N$r$p$<salt hex>$<hash hex>
#pragma once
#include <string>

#include "common/status.h"

namespace wardsync::server::accounts {

// A new hash of `password` with a fresh salt. Refuses an empty password, one
// under 8 bytes or over 1024 bytes.
Result<std::string> HashPassword(const std::string& password);
// `password` matches `stored` (constant-time compare). A malformed `stored`
// never matches.
bool CheckPassword(const std::string& password, const std::string& stored);
// `stored` has the shape HashPassword writes (what `users` accepts from the
// CLI side, which hashes before forwarding to a running server).
bool WellFormedHash(const std::string& stored);

}  // namespace wardsync::server::accounts

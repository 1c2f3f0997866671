// SHA-256 and hex helpers (OpenSSL EVP).
#pragma once
#include <string>
#include <string_view>

namespace wardsync::crypto {

// 32 raw bytes.
std::string Sha256(std::string_view data);
std::string Hex(std::string_view bytes);
// Returns false on odd length or a non-hex character.
bool FromHex(std::string_view hex, std::string* out);
// Cryptographically secure random bytes (RAND_bytes). Aborts if the RNG fails.
std::string RandomBytes(size_t n);
// Constant-time comparison.
bool SecureEqual(std::string_view a, std::string_view b);

}  // namespace wardsync::crypto

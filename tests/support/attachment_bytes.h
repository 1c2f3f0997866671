// Bytes for attachment tests: a JPEG-looking file (its magic bytes, then
// seeded noise that no compression shrinks) and its SHA-256 in hex.
#pragma once
#include <cstdint>
#include <random>
#include <string>

#include "common/crypto/digest.h"
#include "common/util/files.h"

namespace wardsync::test {

inline std::string JpegBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s("\xFF\xD8\xFF\xE0", 4);
  while (s.size() < n) s.push_back(static_cast<char>(rng()));
  s.resize(n);
  return s;
}

// The whole file; "" if it cannot be read (the comparison that follows fails).
inline std::string FileBytes(const std::string& path) {
  std::string s;
  return util::ReadFile(path, &s).ok() ? s : std::string();
}

inline std::string HexSha256(const std::string& bytes) { return crypto::Hex(crypto::Sha256(bytes)); }

}  // namespace wardsync::test

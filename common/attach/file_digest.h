// SHA-256 of a file read in pieces (OpenSSL EVP), so a 10 MiB attachment
// is hashed without holding it in memory twice.
#pragma once
#include <cstdint>
#include <string>

#include "common/status.h"

namespace wardsync::attach {

struct FileDigest {
  std::string sha256_hex;   // 64 lowercase hex digits
  uint64_t size = 0;
  std::string head;         // the first bytes (up to kSniffBytes), for SniffMediaType
};

Result<FileDigest> DigestFile(const std::string& path);

}  // namespace wardsync::attach

#include "common/attach/file_digest.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include "common/attach/attachment_value.h"
#include "common/crypto/digest.h"

namespace wardsync::attach {

Result<FileDigest> DigestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path + ": " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return Status::Internal("SHA-256 unavailable");
  FileDigest d;
  std::string buf(1 << 16, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    if (d.head.size() < kSniffBytes) d.head.append(buf.data(), std::min(n, kSniffBytes - d.head.size()));
    if (EVP_DigestUpdate(ctx.get(), buf.data(), n) != 1) return Status::Internal("SHA-256 failed");
    d.size += n;
  }
  if (in.bad()) return Status::Internal("cannot read " + path);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) return Status::Internal("SHA-256 failed");
  d.sha256_hex = crypto::Hex(std::string_view(reinterpret_cast<const char*>(md), len));
  return d;
}

}  // namespace wardsync::attach

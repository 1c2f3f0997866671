// Ed25519 keys, signing and verification through OpenSSL EVP.
// Signatures always cover a domain-separation context followed by the exact
// bytes to protect, so a signature made for one purpose is useless for another.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace wardsync::crypto {

// Contexts (each ends with a NUL byte so no context is a prefix of another message).
inline constexpr std::string_view kChangeSetContext{"wardsync-changeset-v1\0", 22};
inline constexpr std::string_view kAuthContext{"wardsync-auth-v1\0", 17};
inline constexpr std::string_view kEnrollContext{"wardsync-enroll-v1\0", 19};
inline constexpr std::string_view kRotateContext{"wardsync-rotate-v1\0", 19};
inline constexpr std::string_view kBundleContext{"wardsync-bundle-v1\0", 19};

class PrivateKey {
 public:
  static Result<PrivateKey> Generate();
  // PEM (PKCS#8). Refuses a file that group or others can read.
  static Result<PrivateKey> LoadPemFile(const std::string& path);
  static Result<PrivateKey> FromPem(std::string_view pem);
  // Writes PEM with mode 0600 (atomically: temp file, fsync, rename).
  Status SavePemFile(const std::string& path) const;
  std::string ToPem() const;

  std::string PublicKeyRaw() const;   // 32 bytes
  std::string Sign(std::string_view context, std::string_view message) const;  // 64 bytes
  EVP_PKEY* get() const { return key_.get(); }

 private:
  struct Deleter { void operator()(EVP_PKEY* k) const; };
  explicit PrivateKey(std::shared_ptr<EVP_PKEY> k) : key_(std::move(k)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// Verifies an Ed25519 signature by a raw 32-byte public key.
bool Verify(std::string_view public_key_raw, std::string_view context, std::string_view message,
            std::string_view signature);

// Short, stable id for a device: hex of the first 8 bytes of SHA-256(public key).
std::string DeviceIdFromPublicKey(std::string_view public_key_raw);

}  // namespace wardsync::crypto

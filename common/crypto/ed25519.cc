#include "common/crypto/ed25519.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/crypto/digest.h"
#include "common/util/files.h"

namespace wardsync::crypto {

void PrivateKey::Deleter::operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }

Result<PrivateKey> PrivateKey::Generate() {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  bool ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return Status::Internal("cannot generate an Ed25519 key");
  return PrivateKey(std::shared_ptr<EVP_PKEY>(key, Deleter()));
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key) return Status::Invalid("not a PEM private key");
  if (EVP_PKEY_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return Status::Invalid("private key is not Ed25519");
  }
  return PrivateKey(std::shared_ptr<EVP_PKEY>(key, Deleter()));
}

Result<PrivateKey> PrivateKey::LoadPemFile(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return Status::NotFound("key file " + path + " does not exist");
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    std::ostringstream mode;
    mode << std::oct << (st.st_mode & 0777);
    return Status::Denied("key file " + path + " can be read by others (mode " + mode.str() +
                          "); refusing to use it. Run: chmod 600 " + path);
  }
  std::string pem;
  WS_RETURN_IF_ERROR(util::ReadFile(path, &pem));
  auto key = FromPem(pem);
  if (!key.ok()) return Status::Invalid("key file " + path + ": " + key.status().message());
  return key;
}

std::string PrivateKey::ToPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, len);
  BIO_free(bio);
  return out;
}

Status PrivateKey::SavePemFile(const std::string& path) const {
  return util::WriteFileAtomic(path, ToPem(), 0600);
}

std::string PrivateKey::PublicKeyRaw() const {
  unsigned char buf[32];
  size_t len = sizeof(buf);
  EVP_PKEY_get_raw_public_key(key_.get(), buf, &len);
  return std::string(reinterpret_cast<char*>(buf), len);
}

std::string PrivateKey::Sign(std::string_view context, std::string_view message) const {
  std::string msg;
  msg.reserve(context.size() + message.size());
  msg.append(context).append(message);
  unsigned char sig[64];
  size_t siglen = sizeof(sig);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_.get()) == 1 &&
            EVP_DigestSign(ctx, sig, &siglen, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) std::abort();  // signing with a valid key cannot fail short of memory exhaustion
  return std::string(reinterpret_cast<char*>(sig), siglen);
}

namespace {

// Parsed public keys, per thread and bounded: building an EVP_PKEY from its
// 32 raw bytes goes through OpenSSL's provider key management on every call,
// and the server verifies the same devices' keys over and over (each hello's
// proof, each pushed run's head). Direct-mapped on the key's first byte
// (Ed25519 keys are uniformly random): 256 slots a thread, a collision just
// replaces the slot. Per thread, like the zstd contexts, so no lock is taken.
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CachedKey {
  std::string raw;
  std::unique_ptr<EVP_PKEY, PkeyFree> key;
};

EVP_PKEY* ParsedPublicKey(std::string_view raw) {
  constexpr size_t kSlots = 256;
  thread_local std::array<CachedKey, kSlots> slots;
  CachedKey& slot = slots[static_cast<unsigned char>(raw[0])];
  if (slot.key && slot.raw == raw) return slot.key.get();
  EVP_PKEY* key =
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), 32);
  if (!key) return nullptr;  // not cached: a bad key is refused each time
  slot.raw.assign(raw);
  slot.key.reset(key);
  return key;
}

}  // namespace

bool Verify(std::string_view public_key_raw, std::string_view context, std::string_view message,
            std::string_view signature) {
  if (public_key_raw.size() != 32 || signature.size() != 64) return false;
  EVP_PKEY* key = ParsedPublicKey(public_key_raw);
  if (!key) return false;
  std::string msg;
  msg.reserve(context.size() + message.size());
  msg.append(context).append(message);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), 64,
                             reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

std::string DeviceIdFromPublicKey(std::string_view public_key_raw) {
  return Hex(Sha256(public_key_raw).substr(0, 8));
}

}  // namespace wardsync::crypto

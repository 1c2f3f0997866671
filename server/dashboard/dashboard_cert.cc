#include "server/dashboard/dashboard_cert.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "common/crypto/pki.h"
#include "common/util/files.h"

namespace wardsync::server::dashboard {
namespace {

template <typename T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Free<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Free<BIO, BIO_free_all>>;

std::string BioText(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<std::string> Make(const std::string& server_pem, std::string* key_pem) {
  Bio in(BIO_new_mem_buf(server_pem.data(), static_cast<int>(server_pem.size())));
  Cert server(in ? PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!server) return Status::Corruption("the server certificate does not parse");
  Key key(EVP_EC_gen("P-256"));
  Cert x(X509_new());
  if (!key || !x) return Status::Internal("cannot make a P-256 key (OpenSSL)");
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return Status::Internal("no random bytes from OpenSSL");
  serial[0] &= 0x7f;
  std::unique_ptr<BIGNUM, Free<BIGNUM, BN_free>> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  bool ok = X509_set_version(x.get(), 2) == 1 && bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x.get())) &&
            X509_gmtime_adj(X509_getm_notBefore(x.get()), -crypto::kCertificateBackdateSeconds) &&
            X509_gmtime_adj(X509_getm_notAfter(x.get()), 825L * 24 * 3600) &&
            X509_set_subject_name(x.get(), X509_get_subject_name(server.get())) == 1 &&
            X509_set_issuer_name(x.get(), X509_get_subject_name(server.get())) == 1 &&
            X509_set_pubkey(x.get(), key.get()) == 1;
  // The names browsers check: the server certificate's subjectAltName.
  int pos = X509_get_ext_by_NID(server.get(), NID_subject_alt_name, -1);
  ok = ok && pos >= 0 && X509_add_ext(x.get(), X509_get_ext(server.get(), pos), -1) == 1;
  X509V3_CTX v3;
  X509V3_set_ctx(&v3, x.get(), x.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                            std::pair{NID_key_usage, "critical,digitalSignature"},
                            std::pair{NID_ext_key_usage, "serverAuth"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    ok = ok && ext && X509_add_ext(x.get(), ext, -1) == 1;
    if (ext) X509_EXTENSION_free(ext);
  }
  ok = ok && X509_sign(x.get(), key.get(), EVP_sha256()) > 0;
  if (!ok) return Status::Internal("cannot make the dashboard certificate (OpenSSL)");
  Bio cert_out(BIO_new(BIO_s_mem())), key_out(BIO_new(BIO_s_mem()));
  if (!cert_out || !key_out || PEM_write_bio_X509(cert_out.get(), x.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Status::Internal("cannot write the dashboard certificate (OpenSSL)");
  }
  *key_pem = BioText(key_out.get());
  return BioText(cert_out.get());
}

}  // namespace

Result<CertFiles> EnsureDashboardCert(const std::string& data_dir) {
  CertFiles f{data_dir + "/dashboard.pem", data_dir + "/dashboard.key"};
  if (util::Exists(f.cert) && util::Exists(f.key)) return f;
  std::string server_pem, key_pem;
  WS_RETURN_IF_ERROR(util::ReadFile(data_dir + "/server.pem", &server_pem));
  auto cert = Make(server_pem, &key_pem);
  if (!cert.ok()) return cert.status();
  // Key first: a certificate on disk always has its key.
  WS_RETURN_IF_ERROR(util::WriteFileAtomic(f.key, key_pem, 0600));
  WS_RETURN_IF_ERROR(util::WriteFileAtomic(f.cert, *cert, 0644));
  return f;
}

}  // namespace wardsync::server::dashboard

#include "common/crypto/cert_check.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

#include "common/crypto/host_names.h"
#include "common/crypto/pki.h"

namespace wardsync::crypto {
namespace {

struct X509Free { void operator()(X509* x) const { X509_free(x); } };
struct StoreFree { void operator()(X509_STORE* s) const { X509_STORE_free(s); } };
struct StoreCtxFree { void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); } };
using X509Ptr = std::unique_ptr<X509, X509Free>;

// Exactly one certificate: a file with two would be ambiguous about which
// one the server presents.
Result<X509Ptr> ParseOne(std::string_view pem, const std::string& what) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return Status::Internal("out of memory");
  X509Ptr x(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  X509Ptr extra(x ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr);
  BIO_free(bio);
  if (!x) return Status::Invalid(what + " is not a PEM certificate (-----BEGIN CERTIFICATE-----)");
  if (extra) return Status::Invalid(what + " holds more than one certificate; give exactly one");
  return x;
}

Result<std::vector<std::string>> HostNamesOf(X509* cert) {
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return Status::Invalid("the certificate names no host (no subjectAltName)");
  auto hosts = crypto::HostNamesOf(names.get());
  if (!hosts.ok()) return hosts.status();
  if (hosts->empty()) return Status::Invalid("the certificate names no host");
  return hosts;
}

}  // namespace

Result<std::vector<std::string>> CertificateHostNames(std::string_view cert_pem) {
  auto cert = ParseOne(cert_pem, "the server certificate");
  if (!cert.ok()) return cert.status();
  return HostNamesOf(cert->get());
}

Result<std::string> CheckCaCertificate(std::string_view ca_pem) {
  auto ca = ParseOne(ca_pem, "the CA certificate");
  if (!ca.ok()) return ca.status();
  if (X509_check_ca(ca->get()) == 0) return Status::Invalid("the CA certificate is not a CA (basicConstraints CA:TRUE)");
  EVP_PKEY* key = X509_get0_pubkey(ca->get());
  if (!key || X509_check_issued(ca->get(), ca->get()) != X509_V_OK || X509_verify(ca->get(), key) != 1)
    return Status::Invalid("the CA certificate is not self-signed (give the committee's root certificate, ca.pem)");
  return CertificateFingerprint(ca_pem);
}

Result<ServerCertificateFacts> CheckServerCertificate(std::string_view cert_pem, std::string_view ca_pem,
                                                      const PrivateKey& server_key) {
  auto cert = ParseOne(cert_pem, "the server certificate");
  if (!cert.ok()) return cert.status();
  auto ca = ParseOne(ca_pem, "the CA certificate");
  if (!ca.ok()) return ca.status();
  if (X509_check_private_key(cert->get(), server_key.get()) != 1)
    return Status::Invalid("the certificate is for another key, not this server's (sign this server's own request)");

  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), ca->get()) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), cert->get(), nullptr) != 1 ||
      X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER) != 1)
    return Status::Internal("cannot set up certificate verification (OpenSSL)");
  if (X509_verify_cert(ctx.get()) != 1) {
    return Status::Invalid(std::string("the certificate does not verify against this server's committee CA: ") +
                           X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
  }

  ServerCertificateFacts facts;
  auto hosts = HostNamesOf(cert->get());
  if (!hosts.ok()) return hosts.status();
  facts.hosts = std::move(hosts).value();
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert->get()), &tm) != 1) return Status::Invalid("unreadable notAfter");
  char day[32];
  std::strftime(day, sizeof(day), "%Y-%m-%d", &tm);
  facts.not_after = day;
  return facts;
}

}  // namespace wardsync::crypto

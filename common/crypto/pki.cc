#include "common/crypto/pki.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "common/crypto/digest.h"
#include "common/crypto/host_names.h"

namespace wardsync::crypto {
namespace {

struct X509Free { void operator()(X509* x) const { X509_free(x); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct BnFree { void operator()(BIGNUM* b) const { BN_free(b); } };
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr ParsePem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

Result<std::string> ToPem(X509* x) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), x) != 1) return Status::Internal("cannot encode certificate");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

// Version 3, random positive 128-bit serial, validity window, subject, key.
Status InitCertificate(X509* x, std::string_view common_name, int days, EVP_PKEY* subject_key) {
  if (days <= 0 || days > kMaxCertificateDays)
    return Status::Invalid("certificate validity must be 1.." + std::to_string(kMaxCertificateDays) + " days");
  if (common_name.empty()) return Status::Invalid("certificate common name is empty");
  std::string serial = RandomBytes(16);
  serial[0] = static_cast<char>((serial[0] & 0x7f) | 0x40);  // positive, never zero, full 16 bytes
  std::unique_ptr<BIGNUM, BnFree> bn(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(serial.data()), static_cast<int>(serial.size()), nullptr));
  X509_NAME* name = X509_get_subject_name(x);
  bool ok = bn && X509_set_version(x, X509_VERSION_3) == 1 &&
            BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x)) != nullptr &&
            X509_gmtime_adj(X509_getm_notBefore(x), -kCertificateBackdateSeconds) != nullptr &&
            X509_time_adj_ex(X509_getm_notAfter(x), days, 0, nullptr) != nullptr &&
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(common_name.data()),
                                       static_cast<int>(common_name.size()), -1, 0) == 1 &&
            X509_set_pubkey(x, subject_key) == 1;
  return ok ? Status::Ok() : Status::Internal("cannot initialise certificate");
}

// Adds one extension given in OpenSSL's config syntax, e.g. "critical,CA:TRUE".
Status AddExtension(X509* x, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, ctx, nid, value);
  if (!ext) return Status::Internal(std::string("cannot make certificate extension ") + OBJ_nid2sn(nid));
  int rc = X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  return rc == 1 ? Status::Ok() : Status::Internal("cannot add certificate extension");
}

Status AddSubjectAltNames(X509* x, const std::vector<std::string>& hosts) {
  auto gens = MakeGeneralNames(hosts);
  if (!gens.ok()) return gens.status();
  if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens->get(), 0, X509V3_ADD_DEFAULT) != 1)
    return Status::Internal("cannot add subjectAltName");
  return Status::Ok();
}

Status Sign(X509* x, const PrivateKey& key) {
  // Ed25519 is a pure signature scheme: the digest must be NULL.
  if (X509_sign(x, key.get(), nullptr) <= 0) return Status::Internal("cannot sign certificate");
  return Status::Ok();
}

}  // namespace

Result<std::string> MakeCaCertificate(const PrivateKey& ca_key, std::string_view common_name, int days) {
  X509Ptr x(X509_new());
  if (!x) return Status::Internal("out of memory");
  WS_RETURN_IF_ERROR(InitCertificate(x.get(), common_name, days, ca_key.get()));
  if (X509_set_issuer_name(x.get(), X509_get_subject_name(x.get())) != 1)
    return Status::Internal("cannot set issuer");
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, x.get(), x.get(), nullptr, nullptr, 0);
  WS_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  WS_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign"));
  WS_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_subject_key_identifier, "hash"));
  WS_RETURN_IF_ERROR(Sign(x.get(), ca_key));
  return ToPem(x.get());
}

Result<std::string> IssueServerCertificate(const PrivateKey& ca_key, std::string_view ca_cert_pem,
                                           const PrivateKey& server_key,
                                           const std::vector<std::string>& hosts, int days) {
  return IssueServerCertificateForKey(ca_key, ca_cert_pem, server_key.get(), hosts, days);
}

Result<std::string> IssueServerCertificateForKey(const PrivateKey& ca_key, std::string_view ca_cert_pem,
                                                 EVP_PKEY* server_public_key,
                                                 const std::vector<std::string>& hosts, int days) {
  X509Ptr ca = ParsePem(ca_cert_pem);
  if (!ca) return Status::Invalid("CA certificate is not a PEM certificate");
  if (X509_check_ca(ca.get()) == 0) return Status::Invalid("CA certificate is not a CA");
  if (X509_check_private_key(ca.get(), ca_key.get()) != 1)
    return Status::Invalid("CA key does not match the CA certificate");
  WS_RETURN_IF_ERROR(CheckHostNames(hosts));
  X509Ptr x(X509_new());
  if (!x) return Status::Internal("out of memory");
  WS_RETURN_IF_ERROR(InitCertificate(x.get(), hosts.front(), days, server_public_key));
  if (X509_set_issuer_name(x.get(), X509_get_subject_name(ca.get())) != 1)
    return Status::Internal("cannot set issuer");
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca.get(), x.get(), nullptr, nullptr, 0);
  WS_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE"));
  WS_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_key_usage, "critical,digitalSignature"));
  WS_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_ext_key_usage, "serverAuth"));
  WS_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_subject_key_identifier, "hash"));
  WS_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  WS_RETURN_IF_ERROR(AddSubjectAltNames(x.get(), hosts));
  WS_RETURN_IF_ERROR(Sign(x.get(), ca_key));
  return ToPem(x.get());
}

Result<std::string> CertificateFingerprint(std::string_view cert_pem) {
  X509Ptr x = ParsePem(cert_pem);
  if (!x) return Status::Invalid("not a PEM certificate");
  unsigned char* der = nullptr;
  int len = i2d_X509(x.get(), &der);
  if (len <= 0) return Status::Internal("cannot encode certificate");
  std::string fp = Sha256(std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
  OPENSSL_free(der);
  return fp;
}

}  // namespace wardsync::crypto

#include "common/crypto/cert_request.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "common/crypto/host_names.h"
#include "common/crypto/pki.h"

namespace wardsync::crypto {
namespace {

struct ReqFree { void operator()(X509_REQ* r) const { X509_REQ_free(r); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct PkeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct ExtsFree {
  void operator()(STACK_OF(X509_EXTENSION)* e) const { sk_X509_EXTENSION_pop_free(e, X509_EXTENSION_free); }
};
using ReqPtr = std::unique_ptr<X509_REQ, ReqFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using ExtsPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), ExtsFree>;

// A request for a certificate the CA may sign: refuses what an honest
// `wardsync-server` never makes, so a mistaken file is not signed.
struct ParsedRequest {
  ReqPtr req;
  PkeyPtr key;  // the request's public key
  ServerCertificateRequest facts;
};

Result<ParsedRequest> Parse(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ParsedRequest p;
  if (bio) p.req.reset(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!p.req) return Status::Invalid("not a PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----)");
  p.key.reset(X509_REQ_get_pubkey(p.req.get()));
  if (!p.key || EVP_PKEY_id(p.key.get()) != EVP_PKEY_ED25519)
    return Status::Invalid("the request's key is not Ed25519 (wardsync-server makes Ed25519 server keys)");
  if (X509_REQ_verify(p.req.get(), p.key.get()) != 1)
    return Status::Invalid("the request's signature does not verify (damaged or altered file)");
  unsigned char raw[32];
  size_t len = sizeof(raw);
  if (EVP_PKEY_get_raw_public_key(p.key.get(), raw, &len) != 1 || len != sizeof(raw))
    return Status::Invalid("cannot read the request's public key");
  p.facts.public_key_raw.assign(reinterpret_cast<char*>(raw), len);

  ExtsPtr exts(X509_REQ_get_extensions(p.req.get()));
  int found = 0;
  for (int i = 0; exts && i < sk_X509_EXTENSION_num(exts.get()); ++i) {
    X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts.get(), i);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_subject_alt_name) continue;
    ++found;
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(ext)));
    if (!names) return Status::Invalid("the request's subjectAltName does not parse");
    auto hosts = HostNamesOf(names.get());
    if (!hosts.ok()) return Status::Invalid("the request: " + hosts.status().message());
    p.facts.hosts = std::move(hosts).value();
  }
  if (found != 1) return Status::Invalid("the request must name the server's hosts in exactly one subjectAltName");
  WS_RETURN_IF_ERROR(CheckHostNames(p.facts.hosts));
  return p;
}

}  // namespace

Result<std::string> MakeServerCertificateRequest(const PrivateKey& server_key, const std::vector<std::string>& hosts) {
  WS_RETURN_IF_ERROR(CheckHostNames(hosts));
  auto names = MakeGeneralNames(hosts);
  if (!names.ok()) return names.status();
  ReqPtr req(X509_REQ_new());
  ExtsPtr exts(sk_X509_EXTENSION_new_null());
  if (!req || !exts) return Status::Internal("out of memory");
  X509_EXTENSION* san = X509V3_EXT_i2d(NID_subject_alt_name, 0, names->get());
  if (!san || sk_X509_EXTENSION_push(exts.get(), san) <= 0) {
    X509_EXTENSION_free(san);
    return Status::Internal("cannot make the subjectAltName request");
  }
  const std::string& cn = hosts.front();
  X509_NAME* subject = X509_REQ_get_subject_name(req.get());
  // Ed25519 is a pure signature scheme: the digest must be NULL.
  bool ok = X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) == 1 &&
            X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.data()),
                                       static_cast<int>(cn.size()), -1, 0) == 1 &&
            X509_REQ_set_pubkey(req.get(), server_key.get()) == 1 &&
            X509_REQ_add_extensions(req.get(), exts.get()) == 1 && X509_REQ_sign(req.get(), server_key.get(), nullptr) > 0;
  if (!ok) return Status::Internal("cannot make the certificate request (OpenSSL)");
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_REQ(bio.get(), req.get()) != 1) return Status::Internal("cannot encode the request");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

Result<ServerCertificateRequest> ReadServerCertificateRequest(std::string_view csr_pem) {
  auto p = Parse(csr_pem);
  if (!p.ok()) return p.status();
  return std::move(p->facts);
}

Result<std::string> SignServerCertificateRequest(const PrivateKey& ca_key, std::string_view ca_cert_pem,
                                                 std::string_view csr_pem, int days) {
  auto p = Parse(csr_pem);
  if (!p.ok()) return p.status();
  return IssueServerCertificateForKey(ca_key, ca_cert_pem, p->key.get(), p->facts.hosts, days);
}

}  // namespace wardsync::crypto

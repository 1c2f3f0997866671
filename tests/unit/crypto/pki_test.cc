#include <catch2/catch.hpp>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "common/crypto/digest.h"
#include "common/crypto/pki.h"

using namespace wardsync;
using namespace wardsync::crypto;

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr Parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  REQUIRE(x != nullptr);
  return X509Ptr(x);
}

bool ExtensionCritical(X509* x, int nid) {
  int pos = X509_get_ext_by_NID(x, nid, -1);
  REQUIRE(pos >= 0);
  return X509_EXTENSION_get_critical(X509_get_ext(x, pos)) == 1;
}

int SerialBytes(X509* x) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr);
  int n = BN_num_bytes(bn);
  CHECK_FALSE(BN_is_negative(bn));
  BN_free(bn);
  return n;
}

}  // namespace

TEST_CASE("CA certificate is a self-signed Ed25519 CA", "[crypto]") {
  auto key = PrivateKey::Generate();
  REQUIRE(key.ok());
  auto pem = MakeCaCertificate(*key, "Election Committee CA", 3650);
  REQUIRE(pem.ok());
  X509Ptr ca = Parse(*pem);
  CHECK(X509_check_ca(ca.get()) == 1);
  CHECK(ExtensionCritical(ca.get(), NID_basic_constraints));
  CHECK(ExtensionCritical(ca.get(), NID_key_usage));
  CHECK((X509_get_key_usage(ca.get()) & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  CHECK(X509_get0_subject_key_id(ca.get()) != nullptr);
  CHECK(X509_get_signature_nid(ca.get()) == NID_ED25519);
  CHECK(X509_verify(ca.get(), key->get()) == 1);
  CHECK(X509_check_issued(ca.get(), ca.get()) == X509_V_OK);
  CHECK(SerialBytes(ca.get()) == 16);
  CHECK(X509_cmp_time(X509_get0_notBefore(ca.get()), nullptr) < 0);

  auto again = MakeCaCertificate(*key, "Election Committee CA", 3650);
  REQUIRE(again.ok());
  CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca.get()), X509_get0_serialNumber(Parse(*again).get())) != 0);

  CHECK_FALSE(MakeCaCertificate(*key, "CA", 0).ok());
  CHECK_FALSE(MakeCaCertificate(*key, "", 10).ok());
}

TEST_CASE("server certificate carries SANs, serverAuth and chains to the CA", "[crypto]") {
  auto ca_key = PrivateKey::Generate();
  auto server_key = PrivateKey::Generate();
  REQUIRE((ca_key.ok() && server_key.ok()));
  auto ca_pem = MakeCaCertificate(*ca_key, "CA", 365);
  REQUIRE(ca_pem.ok());
  auto pem = IssueServerCertificate(*ca_key, *ca_pem, *server_key, {"sync.example", "10.1.2.3", "fd00::7"}, 90);
  INFO(pem.status().message());
  REQUIRE(pem.ok());
  X509Ptr ca = Parse(*ca_pem);
  X509Ptr leaf = Parse(*pem);

  CHECK(X509_check_ca(leaf.get()) == 0);
  CHECK(X509_check_issued(ca.get(), leaf.get()) == X509_V_OK);
  CHECK(X509_verify(leaf.get(), ca_key->get()) == 1);
  CHECK((X509_get_extended_key_usage(leaf.get()) & XKU_SSL_SERVER) != 0);
  CHECK(X509_check_host(leaf.get(), "sync.example", 0, 0, nullptr) == 1);
  CHECK(X509_check_host(leaf.get(), "other.example", 0, 0, nullptr) == 0);
  CHECK(X509_check_ip_asc(leaf.get(), "10.1.2.3", 0) == 1);
  CHECK(X509_check_ip_asc(leaf.get(), "fd00::7", 0) == 1);
  CHECK(X509_check_ip_asc(leaf.get(), "10.1.2.4", 0) == 0);
  // The IP entries are IP SANs, not DNS names spelled like addresses.
  CHECK(X509_check_host(leaf.get(), "10.1.2.3", 0, 0, nullptr) == 0);
  const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(leaf.get());
  REQUIRE(akid != nullptr);
  CHECK(ASN1_OCTET_STRING_cmp(akid, X509_get0_subject_key_id(ca.get())) == 0);
  CHECK(X509_check_private_key(leaf.get(), server_key->get()) == 1);
  CHECK(SerialBytes(leaf.get()) == 16);
}

TEST_CASE("server certificate issuing refuses bad input", "[crypto]") {
  auto ca_key = PrivateKey::Generate();
  auto other_key = PrivateKey::Generate();
  auto server_key = PrivateKey::Generate();
  auto ca_pem = MakeCaCertificate(*ca_key, "CA", 365);
  REQUIRE(ca_pem.ok());
  auto wrong_key = IssueServerCertificate(*other_key, *ca_pem, *server_key, {"localhost"}, 30);
  CHECK_THAT(wrong_key.status().message(), Catch::Contains("does not match"));
  CHECK_FALSE(IssueServerCertificate(*ca_key, "junk", *server_key, {"localhost"}, 30).ok());
  CHECK_FALSE(IssueServerCertificate(*ca_key, *ca_pem, *server_key, {}, 30).ok());
  CHECK_FALSE(IssueServerCertificate(*ca_key, *ca_pem, *server_key, {"bad host"}, 30).ok());
  CHECK_FALSE(IssueServerCertificate(*ca_key, *ca_pem, *server_key, {"a,DNS:b"}, 30).ok());
  CHECK_FALSE(IssueServerCertificate(*ca_key, *ca_pem, *server_key, {"localhost"}, -1).ok());
  // A leaf cannot issue.
  auto leaf = IssueServerCertificate(*ca_key, *ca_pem, *server_key, {"localhost"}, 30);
  REQUIRE(leaf.ok());
  CHECK_FALSE(IssueServerCertificate(*server_key, *leaf, *other_key, {"localhost"}, 30).ok());
}

TEST_CASE("certificate fingerprint is SHA-256 of the DER", "[crypto]") {
  auto key = PrivateKey::Generate();
  auto pem = MakeCaCertificate(*key, "CA", 30);
  REQUIRE(pem.ok());
  auto fp = CertificateFingerprint(*pem);
  REQUIRE(fp.ok());
  REQUIRE(fp->size() == 32);
  X509Ptr x = Parse(*pem);
  unsigned char* der = nullptr;
  int len = i2d_X509(x.get(), &der);
  REQUIRE(len > 0);
  CHECK(*fp == Sha256(std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(len))));
  OPENSSL_free(der);
  CHECK_FALSE(CertificateFingerprint("not a certificate").ok());
}

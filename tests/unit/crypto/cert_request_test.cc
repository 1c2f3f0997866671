// The offline-CA round trip at the library level (common/crypto/
// cert_request.h, cert_check.h): request, sign, check; and what each step
// refuses.
#include <catch2/catch.hpp>

#include "common/crypto/cert_check.h"
#include "common/crypto/cert_request.h"
#include "common/crypto/pki.h"

using namespace wardsync::crypto;

namespace {

struct Ca {
  PrivateKey key;
  std::string pem;
};

Ca MakeCa() {
  auto key = PrivateKey::Generate();
  REQUIRE(key.ok());
  auto pem = MakeCaCertificate(*key, "Committee CA", 365);
  REQUIRE(pem.ok());
  return {*key, *pem};
}

}  // namespace

TEST_CASE("a server certificate request signed by the CA checks out on the server", "[pki][offline-ca]") {
  Ca ca = MakeCa();
  auto server_key = PrivateKey::Generate();
  REQUIRE(server_key.ok());
  const std::vector<std::string> hosts = {"sync.thainguyen.example", "10.1.2.3", "fd00::7"};
  auto csr = MakeServerCertificateRequest(*server_key, hosts);
  REQUIRE(csr.ok());
  auto read = ReadServerCertificateRequest(*csr);
  REQUIRE(read.ok());
  CHECK(read->hosts == hosts);
  CHECK(read->public_key_raw == server_key->PublicKeyRaw());

  auto cert = SignServerCertificateRequest(ca.key, ca.pem, *csr, 30);
  REQUIRE(cert.ok());
  auto facts = CheckServerCertificate(*cert, ca.pem, *server_key);
  REQUIRE(facts.ok());
  CHECK(facts->hosts == hosts);
  CHECK(facts->not_after.size() == 10);
  auto names = CertificateHostNames(*cert);
  REQUIRE(names.ok());
  CHECK(*names == hosts);
  CHECK(CheckCaCertificate(ca.pem).ok());

  // The server refuses a certificate for another key or from another CA.
  auto other_key = PrivateKey::Generate();
  REQUIRE(other_key.ok());
  auto wrong_key = CheckServerCertificate(*cert, ca.pem, *other_key);
  CHECK_FALSE(wrong_key.ok());
  CHECK(wrong_key.status().message().find("another key") != std::string::npos);
  Ca other = MakeCa();
  CHECK_FALSE(CheckServerCertificate(*cert, other.pem, *server_key).ok());
  // Two certificates in one file are ambiguous.
  CHECK_FALSE(CheckServerCertificate(*cert + *cert, ca.pem, *server_key).ok());
  // A leaf is not a CA certificate.
  CHECK_FALSE(CheckCaCertificate(*cert).ok());
  CHECK_FALSE(CheckCaCertificate("junk").ok());
}

TEST_CASE("certificate requests refuse bad names, bad files and a CA key that is not the CA's", "[pki][offline-ca]") {
  Ca ca = MakeCa();
  auto server_key = PrivateKey::Generate();
  REQUIRE(server_key.ok());
  CHECK_FALSE(MakeServerCertificateRequest(*server_key, {}).ok());
  CHECK_FALSE(MakeServerCertificateRequest(*server_key, {"bad host"}).ok());
  CHECK_FALSE(ReadServerCertificateRequest("junk").ok());
  CHECK_FALSE(ReadServerCertificateRequest(ca.pem).ok());  // a certificate, not a request

  auto csr = MakeServerCertificateRequest(*server_key, {"localhost"});
  REQUIRE(csr.ok());
  Ca other = MakeCa();
  auto mismatched = SignServerCertificateRequest(other.key, ca.pem, *csr, 30);
  CHECK_FALSE(mismatched.ok());
  CHECK_FALSE(SignServerCertificateRequest(ca.key, ca.pem, *csr, 0).ok());
}

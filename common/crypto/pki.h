// The committee PKI: a self-signed Ed25519 certificate authority and the
// server certificates it issues (OpenSSL X509 APIs; nothing hand-rolled).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto/ed25519.h"
#include "common/status.h"

namespace wardsync::crypto {

// Certificates are backdated by this much so a device whose clock runs a little
// behind still accepts a freshly made certificate.
inline constexpr long kCertificateBackdateSeconds = 24L * 3600;
inline constexpr int kMaxCertificateDays = 100 * 366;

// PEM of a self-signed CA certificate: basicConstraints critical CA:TRUE
// (pathlen 0), keyUsage critical keyCertSign+cRLSign, subject key identifier,
// random positive 128-bit serial, valid for `days` days.
Result<std::string> MakeCaCertificate(const PrivateKey& ca_key, std::string_view common_name, int days);

// PEM of a server certificate for `server_key`, issued by the CA.
// `hosts` (at least one) become subjectAltName entries: an entry that parses as
// an IPv4/IPv6 address goes in as IP, anything else as a DNS name (letters,
// digits, '-', '.', '_'). The first host is also the subject CN.
// CA:FALSE, keyUsage digitalSignature, extendedKeyUsage serverAuth,
// subject and authority key identifiers. Refuses a CA key that does not match
// the CA certificate.
Result<std::string> IssueServerCertificate(const PrivateKey& ca_key, std::string_view ca_cert_pem,
                                           const PrivateKey& server_key,
                                           const std::vector<std::string>& hosts, int days);

// The same for a key known only by its public half: the server's key, from
// the certificate request it made (cert_request.h), signed on the offline
// CA machine.
Result<std::string> IssueServerCertificateForKey(const PrivateKey& ca_key, std::string_view ca_cert_pem,
                                                 EVP_PKEY* server_public_key,
                                                 const std::vector<std::string>& hosts, int days);

// Raw 32-byte SHA-256 of the certificate's DER encoding (of the first
// certificate in the PEM).
Result<std::string> CertificateFingerprint(std::string_view cert_pem);

}  // namespace wardsync::crypto

// Checks made by the online server on certificates it did not make itself:
// the committee CA certificate brought from the offline CA machine, and the
// server certificate that machine signed. A wrong file is refused with a
// reason before it is installed, never discovered by devices that stop
// connecting.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto/ed25519.h"
#include "common/status.h"

namespace wardsync::crypto {

// A self-signed CA certificate (basicConstraints CA:TRUE, its signature
// verifies with its own key). Returns its raw SHA-256 fingerprint.
Result<std::string> CheckCaCertificate(std::string_view ca_pem);

struct ServerCertificateFacts {
  std::vector<std::string> hosts;  // subjectAltName, in order
  std::string not_after;           // "YYYY-MM-DD" (UTC)
};

// The subjectAltName hosts of a certificate, without verifying it (the
// names of an expired certificate, to renew it for the same names).
Result<std::vector<std::string>> CertificateHostNames(std::string_view cert_pem);

// The certificate is for `server_key`, verifies against a store holding
// only `ca_pem` now (chain, validity, serverAuth purpose) and names at least
// one host.
Result<ServerCertificateFacts> CheckServerCertificate(std::string_view cert_pem, std::string_view ca_pem,
                                                      const PrivateKey& server_key);

}  // namespace wardsync::crypto

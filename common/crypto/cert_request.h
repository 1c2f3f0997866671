// Certificate requests (PKCS#10) for the server key, so the committee CA can
// stay on an offline machine: the online server makes a request naming its
// hosts, the request travels to the CA machine (a file on a USB stick), the
// CA signs it there, and only the certificate travels back. OpenSSL X509_REQ
// APIs; nothing hand-rolled.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto/ed25519.h"
#include "common/status.h"

namespace wardsync::crypto {

// PEM request signed by `server_key`, subject CN = first host, the hosts as a
// subjectAltName extension request (checked as IssueServerCertificate does).
Result<std::string> MakeServerCertificateRequest(const PrivateKey& server_key, const std::vector<std::string>& hosts);

struct ServerCertificateRequest {
  std::vector<std::string> hosts;  // from the subjectAltName, in order
  std::string public_key_raw;      // the server's Ed25519 key, 32 bytes
};

// Parses a PEM request and checks what the CA machine must know before it
// signs: the request's own signature (whoever made it holds the key), an
// Ed25519 key, and exactly one subjectAltName with valid host names.
Result<ServerCertificateRequest> ReadServerCertificateRequest(std::string_view csr_pem);

// ReadServerCertificateRequest, then a server certificate for the request's
// key and hosts, issued by the CA (IssueServerCertificateForKey).
Result<std::string> SignServerCertificateRequest(const PrivateKey& ca_key, std::string_view ca_cert_pem,
                                                 std::string_view csr_pem, int days);

}  // namespace wardsync::crypto

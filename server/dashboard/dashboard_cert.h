// The dashboard's default TLS certificate. The server certificate made by
// `init` has an Ed25519 key, which browsers do not accept in TLS (Chromium
// answers ERR_SSL_VERSION_OR_CIPHER_MISMATCH), so the first `run
// --dashboard` without --dashboard-cert makes a P-256 key (DIR/dashboard.key,
// 0600) and a self-signed certificate for the server certificate's names
// (DIR/dashboard.pem), and later runs reuse them. Browsers trust it once
// the committee installs it; a certificate they already trust is given with
// --dashboard-cert/--dashboard-key.
#pragma once
#include <string>

#include "common/status.h"

namespace wardsync::server::dashboard {

struct CertFiles {
  std::string cert, key;
};

// Returns the existing pair or makes one (names from `server_cert_pem`).
Result<CertFiles> EnsureDashboardCert(const std::string& data_dir);

}  // namespace wardsync::server::dashboard

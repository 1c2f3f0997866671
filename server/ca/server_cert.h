// The online server's half of the offline-CA flow: a certificate request
// for its own key, and installing the certificate the offline CA signed
// (first after `init --ca-cert`, then at every renewal).
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "server/server_paths.h"

namespace wardsync::server {

// Writes a request for the server key to `out_file` (default DIR/server.csr)
// naming `hosts` (default: the names of the current DIR/server.pem).
Status RequestServerCertificate(const ServerPaths& paths, std::vector<std::string> hosts, std::string out_file,
                                std::ostream& out);

// Checks the certificate (for this server's key, issued by DIR/ca.pem,
// valid now, serverAuth) and makes it DIR/server.pem; removes
// DIR/server.csr. Changes nothing if a check fails. A running server keeps
// the certificate it started with until it is restarted.
Status InstallServerCertificate(const ServerPaths& paths, const std::string& cert_file, std::ostream& out);

}  // namespace wardsync::server

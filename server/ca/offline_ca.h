// The committee CA on an offline machine (`wardsync-server ca ...`): its
// key never touches the online server. Devices hold no certificates (they
// are enrolled by their Ed25519 keys, stored by the server), so the CA signs
// exactly one kind of thing, the server's TLS certificate, and an online
// server needs only ca.pem, its own key and that certificate to serve and
// to enroll. README "The committee CA offline" has the ceremony.
#pragma once
#include <ostream>
#include <string>

#include "common/status.h"

namespace wardsync::server {

// Layout of a CA directory: the same file names as a one-step data
// directory, so an existing server's CA moves out by moving two files.
struct CaPaths {
  explicit CaPaths(std::string ca_dir) : dir(std::move(ca_dir)) {}
  std::string dir;
  std::string key() const { return dir + "/ca.key"; }   // 0600, the committee's master key
  std::string cert() const { return dir + "/ca.pem"; }  // public: goes to the server and, pinned, to devices
};

inline constexpr int kDefaultCaDays = 3650;
// A stolen server key is usable until its certificate expires (devices
// check no revocation lists), so server certificates from the offline CA
// are short: renewing one is a small ceremony (README).
inline constexpr int kDefaultServerCertDays = 730;

struct CaInitOptions {
  std::string dir;
  std::string committee = "wardsync committee";
  int days = kDefaultCaDays;
};

// Makes a new CA directory (new or empty, 0700): ca.key (0600) and ca.pem.
Status CreateOfflineCa(const CaInitOptions& options, std::ostream& out);

struct SignServerOptions {
  std::string ca_dir;
  std::string csr_file;   // made by `init --ca-cert` or `cert request`
  std::string out_file;   // the certificate, PEM
  int days = kDefaultServerCertDays;
};

// Checks the request (its signature, an Ed25519 key, valid host names),
// prints what is signed (hosts, the server key's SHA-256, to compare with
// what the server printed), and writes the certificate.
Status SignServerRequest(const SignServerOptions& options, std::ostream& out);

}  // namespace wardsync::server

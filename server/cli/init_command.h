// `wardsync-server init`: creates the committee CA, the server key and
// certificate, the store (LevelDB in DIR/db, or a PostgreSQL database with
// --store URL) with the server's own signing identity, and
// publishes the forms of --forms DIR. With --ca-cert (a CA kept offline,
// server/ca/) it makes a certificate request instead of the CA and the
// certificate.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"

namespace wardsync::server {

struct InitOptions {
  std::string data_dir;
  std::vector<std::string> hosts;   // default: localhost, 127.0.0.1
  std::string forms_dir;            // "" : none
  std::string committee = "wardsync committee";
  int cert_days = 3650;
  // The committee CA certificate made offline (`wardsync-server ca init`):
  // init then keeps no CA key, writes DIR/server.csr instead of
  // DIR/server.pem, and `cert install` completes it. "" : one-step init
  // (the CA key in DIR/ca.key).
  std::string ca_cert_file;
  // Where the store goes (common/store/store_factory.h): "" = LevelDB in
  // DIR/db; "postgresql://..." = that database, which must not hold a
  // wardsync store yet; the URL is recorded in DIR/store-url (0600).
  std::string store_url;
};

Status InitServer(const InitOptions& options, std::ostream& out);

}  // namespace wardsync::server

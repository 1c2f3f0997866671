// Layout of a server data directory.
#pragma once
#include <string>

namespace wardsync::server {

struct ServerPaths {
  explicit ServerPaths(std::string data_dir) : dir(std::move(data_dir)) {}
  std::string dir;
  std::string ca_cert() const { return dir + "/ca.pem"; }
  std::string ca_key() const { return dir + "/ca.key"; }          // 0600; absent with an offline CA
  std::string server_cert() const { return dir + "/server.pem"; }
  std::string server_key() const { return dir + "/server.key"; }  // 0600, also signs resolutions
  // The request for server.pem while the offline CA has not signed it
  // (init --ca-cert, cert request; server/ca/).
  std::string server_csr() const { return dir + "/server.csr"; }
  std::string db() const { return dir + "/db"; }
  // The store's URL when it is not LevelDB in db/ (`init --store`; 0600: it
  // may hold a database password).
  std::string store_url() const { return dir + "/store-url"; }
  std::string control_socket() const { return dir + "/control.sock"; }
};

}  // namespace wardsync::server

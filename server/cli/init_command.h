// `wardsync-server init`: creates the committee CA, the server key and
// certificate, the store with the server's own signing identity, and
// publishes the forms of --forms DIR.
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
};

Status InitServer(const InitOptions& options, std::ostream& out);

// Shared with `restore`, which also makes a data directory: DIR must be new
// or empty, never a link or a file (`command` names who refuses).
Status CheckDataDir(const std::string& dir, const std::string& command);
// Creates DIR (parents as needed), mode 0700, without following a link.
Status MakeDataDir(const std::string& dir);

}  // namespace wardsync::server

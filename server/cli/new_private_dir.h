// A new directory for keys: `init` (the server's data directory) and
// `ca init` (the offline CA's directory) make their key directories the
// same careful way.
#pragma once
#include <string>

#include "common/status.h"

namespace wardsync::server {

// The directory must be new or empty, and not a symbolic link: the caller
// makes it 0700 and writes keys into it, so it never takes over an existing
// directory (changing its mode and mixing its files with the keys) and
// never follows a link to somewhere else. Changes nothing.
Status CheckNewPrivateDir(const std::string& dir);

// Creates the directory (parents as needed) and makes it 0700 through a
// descriptor opened without following a link.
Status MakePrivateDir(const std::string& dir);

}  // namespace wardsync::server

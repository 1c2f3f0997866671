#include "tests/support/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace wardsync::test {

bool KeepTempDirs() {
  const char* keep = getenv("WARDSYNC_KEEP_TMP");
  return keep && *keep && std::string(keep) != "0";
}

TempDir::TempDir(const std::string& tag) {
  std::string tmpl = "/tmp/wardsync-" + tag + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (KeepTempDirs()) {
    std::cerr << "WARDSYNC_KEEP_TMP: kept " << path_ << "\n";
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace wardsync::test

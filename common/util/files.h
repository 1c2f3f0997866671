// File helpers. Writes that must survive a crash go through WriteFileAtomic.
#pragma once
#include <string>

#include "common/status.h"

namespace wardsync::util {

Status ReadFile(const std::string& path, std::string* out);
// Write to path.tmp, fsync, rename over path, fsync the directory.
Status WriteFileAtomic(const std::string& path, const std::string& data, int mode = 0644);
Status MakeDirs(const std::string& path, int mode = 0700);
bool Exists(const std::string& path);

}  // namespace wardsync::util

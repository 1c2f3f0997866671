// File helpers. Writes that must survive a crash go through WriteFileAtomic.
#pragma once
#include <cstddef>
#include <string>

#include "common/status.h"

namespace wardsync::util {

Status ReadFile(const std::string& path, std::string* out);
// Reads a file an administrator named (a form to publish): only a regular
// file, not through a symlink (O_NOFOLLOW), opened without blocking (a FIFO
// would hang the reader) and checked with fstat on the descriptor it reads,
// of at most `max_bytes` (/dev/zero would grow the reader without limit).
// Anything else is refused with a message naming the path.
Status ReadRegularFile(const std::string& path, size_t max_bytes, std::string* out);
// Write to path.tmp, fsync, rename over path, fsync the directory.
Status WriteFileAtomic(const std::string& path, const std::string& data, int mode = 0644);
Status MakeDirs(const std::string& path, int mode = 0700);
bool Exists(const std::string& path);

}  // namespace wardsync::util

// The lock that makes one process the owner of a data directory: an
// exclusive flock(2) on DIR/wardsync.lock, a file of our own (not the
// engine's), held for as long as the DirLock lives.
//
// Whoever holds it opens the store; a command that finds it held knows a
// server (or agent) owns the directory and forwards itself over the control
// socket instead. flock locks belong to an open file, not to a process, so a
// second TryAcquire in the same process is refused too (tests run servers
// in-process); the descriptor is close-on-exec, so a child process started
// by the holder does not keep the lock alive. The kernel drops the lock when
// the holder dies, however it dies: no stale lock to clean up.
#pragma once
#include <optional>
#include <string>

#include "common/status.h"

namespace wardsync {

class DirLock {
 public:
  static constexpr const char* kFileName = "wardsync.lock";

  // Takes DIR's lock. nullopt: another holder has it (not an error: the
  // caller forwards or refuses). An error: DIR cannot be locked at all
  // (missing, not writable).
  static Result<std::optional<DirLock>> TryAcquire(const std::string& dir);

  DirLock(DirLock&& other) noexcept : fd_(other.fd_), dir_(std::move(other.dir_)) { other.fd_ = -1; }
  DirLock& operator=(DirLock&& other) noexcept;
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();

  const std::string& dir() const { return dir_; }

 private:
  DirLock(int fd, std::string dir) : fd_(fd), dir_(std::move(dir)) {}
  int fd_ = -1;
  std::string dir_;
};

}  // namespace wardsync

#include "server/cli/new_private_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace wardsync::server {

Status CheckNewPrivateDir(const std::string& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Status::Io("cannot check " + dir + ": " + std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode)) {
    return Status::Invalid(dir + " is a symbolic link; give a new directory (keys are never written through a link)");
  }
  if (!S_ISDIR(st.st_mode)) return Status::Invalid(dir + " exists and is not a directory");
  std::error_code ec;
  if (!std::filesystem::is_empty(dir, ec) || ec) {
    return Status::Exists(dir + " exists and is not empty; give a new (or empty) directory: keys are never "
                                "written into a directory that holds other files");
  }
  return Status::Ok();
}

Status MakePrivateDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Io("cannot create directory " + dir + ": " + ec.message());
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Status::Io("cannot open directory " + dir + ": " + std::strerror(errno));
  const int rc = ::fchmod(fd, 0700);
  const int e = errno;
  ::close(fd);
  if (rc != 0) return Status::Io("cannot make " + dir + " private (0700): " + std::strerror(e));
  return Status::Ok();
}

}  // namespace wardsync::server

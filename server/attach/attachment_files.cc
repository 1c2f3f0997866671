#include "server/attach/attachment_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/attach/attachment_value.h"
#include "common/attach/file_digest.h"
#include "common/util/files.h"

namespace wardsync::server::attach {

namespace sync = wardsync::sync;
namespace av = wardsync::attach;

namespace {

Status SyncDir(const std::string& dir) {
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Status::Io("cannot open " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return Status::Io("cannot sync " + dir + ": " + std::strerror(errno));
  return Status::Ok();
}

Result<uint64_t> FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return uint64_t{0};
    return Status::Io("cannot stat " + path + ": " + std::strerror(errno));
  }
  return static_cast<uint64_t>(st.st_size);
}

}  // namespace

Status AttachmentFiles::EnsureDirs() {
  std::lock_guard<std::mutex> lock(mu_);
  if (dirs_made_) return Status::Ok();
  WS_RETURN_IF_ERROR(util::MakeDirs(dir_ + "/partial"));
  dirs_made_ = true;
  return Status::Ok();
}

bool AttachmentFiles::Has(std::string_view hash) const { return util::Exists(CompletePath(hash)); }

bool AttachmentFiles::Claim(const std::string& hash) {
  std::lock_guard<std::mutex> lock(mu_);
  return claimed_.insert(hash).second;
}

void AttachmentFiles::Release(const std::string& hash) {
  std::lock_guard<std::mutex> lock(mu_);
  claimed_.erase(hash);
}

Result<uint64_t> AttachmentFiles::Resume(const std::string& hash, uint64_t size) {
  WS_RETURN_IF_ERROR(EnsureDirs());
  const std::string path = PartialPath(hash);
  auto have = FileSize(path);
  if (!have.ok()) return have.status();
  if (*have > size) {
    if (::unlink(path.c_str()) != 0) return Status::Io("cannot remove " + path + ": " + std::strerror(errno));
    return uint64_t{0};
  }
  return *have;
}

Result<uint64_t> AttachmentFiles::Append(const std::string& hash, uint64_t offset, std::string_view data,
                                         uint64_t size, std::optional<Refusal>* refusal) {
  WS_RETURN_IF_ERROR(EnsureDirs());
  const std::string path = PartialPath(hash);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Io("cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return Status::Io("cannot stat " + path + ": " + std::strerror(e));
  }
  const auto have = static_cast<uint64_t>(st.st_size);
  if (offset != have || data.empty() || data.size() > size - std::min(size, have)) {
    ::close(fd);
    *refusal = Refusal{sync::BAD_CHUNK, "chunk at byte " + std::to_string(offset) + " of " + std::to_string(data.size()) +
                                            " bytes does not follow the " + std::to_string(have) + " held of " +
                                            std::to_string(size)};
    return have;
  }
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      return Status::Io("cannot write " + path + ": " + std::strerror(e));
    }
    off += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return Status::Io("cannot write " + path + ": " + std::strerror(errno));
  return have + data.size();
}

Result<std::optional<Refusal>> AttachmentFiles::Complete(const std::string& hash, uint64_t size,
                                                         const std::string& media_type) {
  const std::string partial = PartialPath(hash);
  auto digest = av::DigestFile(partial);
  if (!digest.ok()) return digest.status();
  std::optional<Refusal> refusal;
  if (digest->size != size) {
    refusal = Refusal{sync::WRONG_SIZE, "received " + std::to_string(digest->size) + " bytes, expected " +
                                            std::to_string(size)};
  } else if (digest->sha256_hex != hash) {
    refusal = Refusal{sync::HASH_MISMATCH, "the bytes hash to " + digest->sha256_hex + ", not " + hash +
                                               "; the partial bytes are discarded"};
  } else if (av::SniffMediaType(digest->head) != std::optional<std::string_view>(media_type)) {
    refusal = Refusal{sync::WRONG_TYPE, "the bytes are not " + media_type + " (checked by their first bytes)"};
  }
  if (refusal) {
    if (::unlink(partial.c_str()) != 0 && errno != ENOENT) {
      return Status::Io("cannot remove " + partial + ": " + std::strerror(errno));
    }
    return refusal;
  }
  int fd = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Io("cannot open " + partial + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::Io("cannot sync " + partial + ": " + std::strerror(errno));
  const std::string complete = CompletePath(hash);
  if (::rename(partial.c_str(), complete.c_str()) != 0) {
    return Status::Io("cannot rename " + partial + ": " + std::strerror(errno));
  }
  WS_RETURN_IF_ERROR(SyncDir(dir_));
  WS_RETURN_IF_ERROR(SyncDir(dir_ + "/partial"));
  return std::optional<Refusal>();
}

}  // namespace wardsync::server::attach

#include "server/backup/backup_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/crypto/digest.h"
#include "common/crypto/sha256_stream.h"
#include "server/backup/backup_format.h"

namespace wardsync::server::backup {
namespace {

// A regular file read in pieces, never through a link.
class InFile {
 public:
  ~InFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd_ < 0) return Status::Io("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return Status::Invalid(path + " is not a regular file");
    size_ = static_cast<uint64_t>(st.st_size);
    return Status::Ok();
  }
  // Reads exactly n bytes at offset (or fails).
  Status ReadAt(uint64_t offset, size_t n, std::string* out) {
    out->resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, out->data() + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return Status::Io("reading " + path_ + " failed: " + std::strerror(errno));
      if (r == 0) return Status::Corruption(path_ + " ended early: it is truncated or changed while being read");
      got += static_cast<size_t>(r);
    }
    return Status::Ok();
  }
  uint64_t size() const { return size_; }

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

constexpr size_t kChunk = 1u << 20;

Status Damaged(const std::string& path, const std::string& why) {
  return Status::Corruption(path + " is not a usable wardsync backup: " + why +
                            "; nothing was restored (take the backup again, or use an older one)");
}

}  // namespace

Result<CheckedBackup> CheckBackupFile(const std::string& path) {
  InFile f;
  WS_RETURN_IF_ERROR(f.Open(path));
  if (f.size() < kMagic.size() + kTrailerBytes) return Damaged(path, "it is too short (truncated?)");
  std::string buf;
  WS_RETURN_IF_ERROR(f.ReadAt(0, kMagic.size(), &buf));
  if (buf != kMagic) return Damaged(path, "it does not start as a backup file does");
  // The whole file but its last 32 bytes, hashed.
  const uint64_t hashed = f.size() - kHashBytes;
  crypto::Sha256Stream hash;
  for (uint64_t off = 0; off < hashed;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, hashed - off));
    WS_RETURN_IF_ERROR(f.ReadAt(off, n, &buf));
    hash.Update(buf);
    off += n;
  }
  std::string stored;
  WS_RETURN_IF_ERROR(f.ReadAt(hashed, kHashBytes, &stored));
  if (!crypto::SecureEqual(hash.Finish(), stored)) {
    return Damaged(path, "its SHA-256 does not match its contents (the file is truncated or damaged)");
  }
  std::string len;
  WS_RETURN_IF_ERROR(f.ReadAt(hashed - 4, 4, &len));
  const uint32_t manifest_bytes = GetBe32(len);
  if (manifest_bytes > kMaxManifestBytes || manifest_bytes > hashed - 4 - kMagic.size()) {
    return Damaged(path, "its manifest length is impossible");
  }
  CheckedBackup out;
  out.file_bytes = f.size();
  WS_RETURN_IF_ERROR(f.ReadAt(hashed - 4 - manifest_bytes, manifest_bytes, &buf));
  if (!out.manifest.ParseFromString(buf)) return Damaged(path, "its manifest does not parse");
  const auto& m = out.manifest;
  if (m.format_version() != kFormatVersion) {
    return Status::Precondition(path + " is a backup of format " + std::to_string(m.format_version()) +
                                "; this wardsync-server reads format " + std::to_string(kFormatVersion));
  }
  if (m.compression() != "zstd") return Damaged(path, "unknown compression \"" + m.compression() + "\"");
  if (m.body_bytes() != hashed - 4 - manifest_bytes - kMagic.size()) {
    return Damaged(path, "its body is not the size its manifest says");
  }
  return out;
}

Status ReadBackupItems(const std::string& path, const CheckedBackup& checked,
                       const std::function<Status(const wardsync::backup::BackupItem&)>& item) {
  InFile f;
  WS_RETURN_IF_ERROR(f.Open(path));
  if (f.size() != checked.file_bytes) return Damaged(path, "it changed since it was checked");
  struct Free {
    void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
  };
  std::unique_ptr<ZSTD_DCtx, Free> dctx(ZSTD_createDCtx());
  std::string in, out(ZSTD_DStreamOutSize(), '\0'), pending;
  size_t left = 1;  // ZSTD_decompressStream's hint: 0 once a frame is complete
  uint64_t content = 0;
  const uint64_t end = kMagic.size() + checked.manifest.body_bytes();
  for (uint64_t off = kMagic.size(); off < end;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, end - off));
    WS_RETURN_IF_ERROR(f.ReadAt(off, n, &in));
    off += n;
    ZSTD_inBuffer zin{in.data(), in.size(), 0};
    while (zin.pos < zin.size) {
      ZSTD_outBuffer zout{out.data(), out.size(), 0};
      left = ZSTD_decompressStream(dctx.get(), &zout, &zin);
      if (ZSTD_isError(left)) return Damaged(path, std::string("its body does not decompress: ") + ZSTD_getErrorName(left));
      pending.append(out.data(), zout.pos);
      content += zout.pos;
      if (content > checked.manifest.content_bytes()) return Damaged(path, "its body is larger than its manifest says");
      // Whole items out of what has been decompressed so far.
      size_t used = 0;
      while (pending.size() - used >= 4) {
        const uint32_t len = GetBe32(std::string_view(pending).substr(used, 4));
        if (len > kMaxItemBytes) return Damaged(path, "an item of its body is impossibly large");
        if (pending.size() - used - 4 < len) break;
        wardsync::backup::BackupItem it;
        if (!it.ParseFromArray(pending.data() + used + 4, static_cast<int>(len))) {
          return Damaged(path, "an item of its body does not parse");
        }
        WS_RETURN_IF_ERROR(item(it));
        used += 4 + len;
      }
      pending.erase(0, used);
    }
  }
  if (left != 0 || !pending.empty() || content != checked.manifest.content_bytes()) {
    return Damaged(path, "its body ends in the middle of an item");
  }
  return Status::Ok();
}

}  // namespace wardsync::server::backup

#include "server/backup/restore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "common/crypto/ed25519.h"
#include "common/store/dir_lock.h"
#include "server/backup/backup_reader.h"
#include "server/backup/backup_writer.h"
#include "server/cli/new_private_dir.h"
#include "server/server_paths.h"
#include "server/store/server_store.h"

namespace wardsync::server::backup {
namespace {

namespace fs = std::filesystem;
using wardsync::backup::BackupItem;
using wardsync::backup::BackupManifest;

// A path from the file must stay inside the new directory: relative, no
// "..", no empty or "." parts, and never the store or the lock. The hash
// proves the file whole, not who wrote it.
bool SafeRelativePath(const std::string& p) {
  if (p.empty() || p[0] == '/' || p.size() > 4096) return false;
  size_t start = 0;
  for (;;) {
    size_t slash = p.find('/', start);
    std::string part = p.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (start == 0 && (part == "db" || part == DirLock::kFileName)) return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

// Writes the items into `dir` (made by the caller): files as they come,
// store entries in batches.
class Restorer {
 public:
  Restorer(const std::string& dir, KvStore& store) : dir_(dir), store_(store) {}
  ~Restorer() {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Add(const BackupItem& item) {
    if (item.pairs_size() > 0) return AddPairs(item);
    return AddFilePiece(item);
  }

  Status Finish() {
    WS_RETURN_IF_ERROR(CloseFile());
    WS_RETURN_IF_ERROR(store_.Write(batch_, /*sync=*/true));  // makes every earlier batch durable too
    batch_.Clear();
    return Status::Ok();
  }
  uint64_t entries() const { return entries_; }
  const std::map<std::string, uint64_t>& files() const { return sizes_; }

 private:
  Status AddPairs(const BackupItem& item) {
    for (const auto& p : item.pairs()) {
      batch_.Put(p.key(), p.value());
      batch_bytes_ += p.key().size() + p.value().size();
      ++entries_;
    }
    if (batch_bytes_ >= (4u << 20)) {
      WS_RETURN_IF_ERROR(store_.Write(batch_, /*sync=*/false));  // the last write syncs them all
      batch_.Clear();
      batch_bytes_ = 0;
    }
    return Status::Ok();
  }

  Status AddFilePiece(const BackupItem& item) {
    if (item.file() != current_) {
      WS_RETURN_IF_ERROR(CloseFile());
      if (!SafeRelativePath(item.file())) return Status::Corruption("the backup names an unsafe path \"" + item.file() + "\"");
      if (sizes_.count(item.file())) return Status::Corruption("the backup holds " + item.file() + " twice");
      const fs::path path = fs::path(dir_) / item.file();
      std::error_code ec;
      fs::create_directories(path.parent_path(), ec);
      if (ec) return Status::Io("cannot create " + path.parent_path().string() + ": " + ec.message());
      fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd_ < 0) return Status::Io("cannot create " + path.string() + ": " + std::strerror(errno));
      current_ = item.file();
      sizes_[current_] = 0;
    }
    std::string_view data = item.data();
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::Io("writing " + current_ + " failed: " + std::strerror(errno));
      data.remove_prefix(static_cast<size_t>(n));
    }
    sizes_[current_] += item.data().size();
    return Status::Ok();
  }

  Status CloseFile() {
    if (fd_ < 0) return Status::Ok();
    const int rc = ::fsync(fd_);
    ::close(fd_);
    fd_ = -1;
    if (rc != 0) return Status::Io("cannot sync " + current_ + ": " + std::strerror(errno));
    return Status::Ok();
  }

  std::string dir_;
  KvStore& store_;
  WriteBatch batch_;
  size_t batch_bytes_ = 0;
  uint64_t entries_ = 0;
  std::string current_;
  int fd_ = -1;
  std::map<std::string, uint64_t> sizes_;
};

// Everything the manifest promises is what was written.
Status CheckAgainstManifest(const BackupManifest& m, const Restorer& r, const std::string& dir) {
  if (r.entries() != m.store_entries()) {
    return Status::Corruption("the backup holds " + std::to_string(r.entries()) + " store entries, its manifest says " +
                              std::to_string(m.store_entries()));
  }
  if (r.files().size() != static_cast<size_t>(m.files_size())) {
    return Status::Corruption("the backup holds " + std::to_string(r.files().size()) + " files, its manifest says " +
                              std::to_string(m.files_size()));
  }
  for (const auto& f : m.files()) {
    auto it = r.files().find(f.path());
    if (it == r.files().end() || it->second != f.size()) {
      return Status::Corruption("the backup's copy of " + f.path() + " is not the one its manifest lists");
    }
    // Files were created 0600; now the mode they had (keys: 0600).
    if (::chmod((dir + "/" + f.path()).c_str(), f.mode() & 0777) != 0) {
      return Status::Io("cannot set the mode of " + f.path() + ": " + std::strerror(errno));
    }
  }
  ServerPaths paths(dir);
  auto key = crypto::PrivateKey::LoadPemFile(paths.server_key());
  if (!key.ok()) return Status::Corruption("the backup holds no usable server key: " + key.status().message());
  if (ServerKeyId(*key) != m.server_key_id()) {
    return Status::Corruption("the backup's server key is not the one its manifest names");
  }
  return Status::Ok();
}

// Builds the directory in `staging`.
Status RestoreInto(const std::string& from, const CheckedBackup& checked, const std::string& staging) {
  WS_RETURN_IF_ERROR(MakePrivateDir(staging));
  auto lock = DirLock::TryAcquire(staging);
  if (!lock.ok()) return lock.status();
  if (!lock->has_value()) return Status::Unavailable(staging + " is in use by another process");
  ServerStoreOptions so;
  so.create_if_missing = true;
  auto store = OpenServerStore(**lock, so);
  if (!store.ok()) return store.status();
  Restorer r(staging, (*store)->store());
  WS_RETURN_IF_ERROR(ReadBackupItems(from, checked, [&](const BackupItem& item) { return r.Add(item); }));
  WS_RETURN_IF_ERROR(r.Finish());
  WS_RETURN_IF_ERROR(CheckAgainstManifest(checked.manifest, r, staging));
  // A backup of a store made before the format stamp: stamped now.
  return CheckStoreFormat((*store)->store(), ServerStoreFormat(), MissingStamp::kStamp, "leveldb", "restore");
}

}  // namespace

Result<BackupManifest> RestoreBackup(const std::string& from, const std::string& data_dir) {
  // Nothing is created before the file is proved whole and NEWDIR is fit.
  auto checked = CheckBackupFile(from);
  if (!checked.ok()) return checked.status();
  const auto& m = checked->manifest;
  if (m.store_layout() != kServerStoreLayout || m.store_version() != kServerStoreVersion) {
    return Status::Precondition(from + " holds a store of format \"" + m.store_layout() + "\" version " +
                                std::to_string(m.store_version()) + "; this wardsync-server reads \"" +
                                kServerStoreLayout + "\" version " + std::to_string(kServerStoreVersion));
  }
  WS_RETURN_IF_ERROR(CheckNewPrivateDir(data_dir));
  fs::path target = fs::path(data_dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  const std::string staging = target.string() + ".restoring-" + std::to_string(::getpid());
  Status s = RestoreInto(from, *checked, staging);
  if (s.ok()) {
    std::error_code ec;
    fs::remove(target, ec);  // an empty NEWDIR (CheckNewPrivateDir): replaced by the restored one
    if (std::rename(staging.c_str(), target.c_str()) != 0) {
      s = Status::Io("cannot move the restored directory into place at " + target.string() + ": " +
                     std::strerror(errno));
    }
  }
  if (!s.ok()) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    return s;
  }
  const std::string parent = target.parent_path().string();
  WS_RETURN_IF_ERROR(SyncDir(parent.empty() ? "." : parent));
  return checked->manifest;
}

}  // namespace wardsync::server::backup

#include "server/backup/backup_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "common/crypto/digest.h"
#include "common/crypto/pki.h"
#include "common/crypto/sha256_stream.h"
#include "common/store/store_format.h"
#include "common/util/files.h"
#include "common/version.h"
#include "proto/store.pb.h"
#include "server/backup/backup_format.h"
#include "server/store/server_keys.h"
#include "server/store/server_store.h"

namespace wardsync::server::backup {
namespace {

namespace fs = std::filesystem;
using wardsync::backup::BackupItem;
using wardsync::backup::BackupManifest;

// The output file: every byte goes to the hash and the descriptor.
class HashedFile {
 public:
  ~HashedFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    // 0600: the file holds the server's private key.
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd_ < 0) return Status::Io("cannot create " + path + ": " + std::strerror(errno));
    return Status::Ok();
  }
  Status Write(std::string_view data) {
    hash_.Update(data);
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::Io("writing " + path_ + " failed: " + std::strerror(errno));
      data.remove_prefix(static_cast<size_t>(n));
      bytes_ += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }
  // Appends the hash of everything written, syncs and closes.
  Status Finish() {
    std::string digest = hash_.Finish();
    WS_RETURN_IF_ERROR(Write(digest));
    if (::fsync(fd_) != 0) return Status::Io("cannot sync " + path_ + ": " + std::strerror(errno));
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return Status::Io("cannot close " + path_ + ": " + std::strerror(errno));
    return Status::Ok();
  }
  uint64_t bytes() const { return bytes_; }

 private:
  std::string path_;
  int fd_ = -1;
  crypto::Sha256Stream hash_;
  uint64_t bytes_ = 0;
};

// The body: length-prefixed items through one zstd stream into the file.
class ItemWriter {
 public:
  explicit ItemWriter(HashedFile& file) : file_(file), cctx_(ZSTD_createCCtx()) {
    ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_compressionLevel, 3);
  }
  Status Add(const BackupItem& item) {
    std::string framed;
    PutBe32(&framed, static_cast<uint32_t>(item.ByteSizeLong()));
    item.AppendToString(&framed);
    content_bytes_ += framed.size();
    return Compress(framed, ZSTD_e_continue);
  }
  Status End() { return Compress({}, ZSTD_e_end); }
  uint64_t content_bytes() const { return content_bytes_; }

 private:
  struct Free {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  };
  Status Compress(std::string_view data, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    std::string buf(ZSTD_CStreamOutSize(), '\0');
    for (;;) {
      ZSTD_outBuffer out{buf.data(), buf.size(), 0};
      const size_t left = ZSTD_compressStream2(cctx_.get(), &out, &in, mode);
      if (ZSTD_isError(left)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(left));
      WS_RETURN_IF_ERROR(file_.Write(std::string_view(buf.data(), out.pos)));
      const bool done = mode == ZSTD_e_end ? left == 0 : in.pos == in.size;
      if (done) return Status::Ok();
    }
  }
  HashedFile& file_;
  std::unique_ptr<ZSTD_CCtx, Free> cctx_;
  uint64_t content_bytes_ = 0;
};

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Every key/value of the view, in key order, counted by kind.
Status WriteStore(KvReader& view, ItemWriter& items, BackupManifest& m) {
  BackupItem item;
  size_t pending = 0;
  auto it = view.Scan("");
  for (; it->Valid(); it->Next()) {
    auto* p = item.add_pairs();
    p->set_key(std::string(it->key()));
    p->set_value(std::string(it->value()));
    pending += it->key().size() + it->value().size();
    m.set_store_entries(m.store_entries() + 1);
    if (StartsWith(it->key(), keys::kRecordPrefix)) m.set_records(m.records() + 1);
    else if (StartsWith(it->key(), keys::kLogPrefix)) m.set_log_entries(m.log_entries() + 1);
    else if (StartsWith(it->key(), keys::kDevicePrefix)) m.set_devices(m.devices() + 1);
    else if (it->key() == keys::kLogHead) m.set_log_head(wardsync::keys::ReadU64(it->value()));
    else if (it->key() == kStoreFormatKey) {
      wardsync::store::StoreFormat f;
      if (f.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        m.set_store_layout(f.layout());
        m.set_store_version(f.version());
      }
    }
    if (pending >= kItemTargetBytes) {
      WS_RETURN_IF_ERROR(items.Add(item));
      item.Clear();
      pending = 0;
    }
  }
  WS_RETURN_IF_ERROR(it->status());
  if (item.pairs_size() > 0) WS_RETURN_IF_ERROR(items.Add(item));
  return Status::Ok();
}

// One file, in pieces of kItemTargetBytes (an empty file: one empty piece).
Status WriteOneFile(const std::string& dir, const std::string& rel, ItemWriter& items, BackupManifest& m) {
  const std::string path = dir + "/" + rel;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::Io("cannot read " + path + ": " + std::strerror(errno));
  struct stat st {};
  ::fstat(fd, &st);
  auto* f = m.add_files();
  f->set_path(rel);
  f->set_mode(st.st_mode & 0777);
  std::string buf(kItemTargetBytes, '\0');
  BackupItem item;
  bool first = true;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      return Status::Io("reading " + path + " failed: " + std::strerror(e));
    }
    if (n == 0 && !first) break;
    item.set_file(rel);
    item.set_data(buf.data(), static_cast<size_t>(n));
    f->set_size(f->size() + static_cast<uint64_t>(n));
    Status s = items.Add(item);
    if (!s.ok()) {
      ::close(fd);
      return s;
    }
    first = false;
    if (n == 0) break;
  }
  ::close(fd);
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> FilesToBackUp(const std::string& data_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(data_dir, ec), end;
  if (ec) return Status::Io("cannot list " + data_dir + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::Io("cannot list " + data_dir + ": " + ec.message());
    const fs::path rel = it->path().lexically_relative(data_dir);
    const std::string name = rel.filename().string();
    if (it.depth() == 0 && name == "db") {  // the store: carried as the snapshot
      it.disable_recursion_pending();
      continue;
    }
    const auto st = it->symlink_status(ec);
    if (ec) return Status::Io("cannot stat " + it->path().string() + ": " + ec.message());
    if (!fs::is_regular_file(st)) continue;  // links (never followed), sockets, fifos
    if (it.depth() == 0 && (name == "wardsync.lock" || name == "listen" || name == "dashboard-url")) continue;
    // The URL of a PostgreSQL store stays behind: the backup carries the
    // store's snapshot itself, and restores as a LevelDB directory that must
    // never write into the database it was taken from.
    if (it.depth() == 0 && name == "store-url") continue;
    if (rel.extension() == ".tmp") continue;
    out.push_back(rel.string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Io("cannot open " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::Io("cannot sync " + dir + ": " + std::strerror(errno));
  return Status::Ok();
}

std::string ServerKeyId(const crypto::PrivateKey& key) { return crypto::Hex(crypto::Sha256(key.PublicKeyRaw())); }

Result<BackupManifest> WriteBackup(KvStore& store, const ServerPaths& paths, const crypto::PrivateKey& server_key,
                                   uint64_t now_ms, const std::string& out_path) {
  // The snapshot first: files are read after it, so every attachment it
  // names (written before it was indexed, never deleted) is in the backup.
  auto view = store.NewReadView();
  auto files = FilesToBackUp(paths.dir);
  if (!files.ok()) return files.status();
  const std::string tmp = out_path + ".tmp";
  BackupManifest m;
  m.set_format_version(kFormatVersion);
  m.set_created_ms(now_ms);
  m.set_server_key_id(ServerKeyId(server_key));
  std::string ca;
  if (util::ReadFile(paths.ca_cert(), &ca).ok()) {
    if (auto fp = crypto::CertificateFingerprint(ca); fp.ok()) m.set_ca_fingerprint(crypto::Hex(*fp));
  }
  m.set_compression("zstd");
  m.set_created_by(std::string("wardsync-server ") + kSoftwareVersion);
  Status s = [&]() -> Status {
    HashedFile file;
    WS_RETURN_IF_ERROR(file.Open(tmp));
    WS_RETURN_IF_ERROR(file.Write(kMagic));
    ItemWriter items(file);
    WS_RETURN_IF_ERROR(WriteStore(*view, items, m));
    for (const auto& rel : *files) WS_RETURN_IF_ERROR(WriteOneFile(paths.dir, rel, items, m));
    WS_RETURN_IF_ERROR(items.End());
    m.set_body_bytes(file.bytes() - kMagic.size());
    m.set_content_bytes(items.content_bytes());
    if (m.store_layout().empty()) {  // a store made before the stamp: it is of the first layout
      m.set_store_layout(kServerStoreLayout);
      m.set_store_version(kServerStoreVersion);
    }
    std::string tail = m.SerializeAsString();
    PutBe32(&tail, static_cast<uint32_t>(tail.size()));
    WS_RETURN_IF_ERROR(file.Write(tail));
    return file.Finish();
  }();
  if (s.ok() && std::rename(tmp.c_str(), out_path.c_str()) != 0) {
    s = Status::Io("cannot rename " + tmp + " to " + out_path + ": " + std::strerror(errno));
  }
  if (!s.ok()) {
    std::error_code ec;
    fs::remove(tmp, ec);
    return s;
  }
  const std::string parent = fs::path(out_path).parent_path().string();
  WS_RETURN_IF_ERROR(SyncDir(parent.empty() ? "." : parent));
  return m;
}

}  // namespace wardsync::server::backup

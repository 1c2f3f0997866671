#include "server/cli/init_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/authority/role.h"
#include "common/crypto/digest.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/pki.h"
#include "common/forms/form_loader.h"
#include "common/store/dir_lock.h"
#include "common/store/proto_io.h"
#include "common/util/files.h"
#include "server/admin/publish.h"
#include "server/server_context.h"
#include "server/server_paths.h"
#include "server/store/server_keys.h"
#include "server/store/server_store.h"
#include "proto/store.pb.h"

namespace wardsync::server {
// The data directory must be new or empty, and its own: init makes it 0700
// and writes keys into it, so it never takes over an existing directory
// (changing its mode and mixing its files with the keys) and never follows
// a symbolic link to somewhere else.
Status CheckDataDir(const std::string& dir, const std::string& command) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Status::Io("cannot check " + dir + ": " + std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode)) {
    return Status::Invalid(dir + " is a symbolic link; give a new directory (init does not follow links)");
  }
  if (!S_ISDIR(st.st_mode)) return Status::Invalid(dir + " exists and is not a directory");
  std::error_code ec;
  if (!std::filesystem::is_empty(dir, ec) || ec) {
    return Status::Exists(dir + " exists and is not empty; " + command +
                          " only makes a new data directory (or uses an empty one), it does not take over a "
                          "directory that holds other files");
  }
  return Status::Ok();
}

// Creates the directory (parents as needed) and makes it 0700 through a
// descriptor opened without following a link.
Status MakeDataDir(const std::string& dir) {
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

Status InitServer(const InitOptions& options, std::ostream& out) {
  ServerPaths paths(options.data_dir);
  if (util::Exists(paths.db()) || util::Exists(paths.ca_key())) {
    return Status::Exists(options.data_dir + " is already initialised; refusing to overwrite its keys");
  }
  WS_RETURN_IF_ERROR(CheckDataDir(options.data_dir, "init"));
  // Load the forms first: a bad pack fails before anything is created.
  std::optional<forms_util::FormPack> pack;
  if (!options.forms_dir.empty()) {
    auto loaded = forms_util::LoadFormPack(options.forms_dir);
    if (!loaded.ok()) return loaded.status();
    pack = std::move(loaded).value();
  }
  WS_RETURN_IF_ERROR(MakeDataDir(options.data_dir));
  std::vector<std::string> hosts = options.hosts.empty() ? std::vector<std::string>{"localhost", "127.0.0.1"}
                                                         : options.hosts;
  auto ca_key = crypto::PrivateKey::Generate();
  auto server_key = crypto::PrivateKey::Generate();
  if (!ca_key.ok() || !server_key.ok()) return Status::Internal("key generation failed");
  auto ca_pem = crypto::MakeCaCertificate(*ca_key, options.committee + " CA", options.cert_days);
  if (!ca_pem.ok()) return ca_pem.status();
  auto server_pem = crypto::IssueServerCertificate(*ca_key, *ca_pem, *server_key, hosts, options.cert_days);
  if (!server_pem.ok()) return server_pem.status();
  WS_RETURN_IF_ERROR(ca_key->SavePemFile(paths.ca_key()));
  WS_RETURN_IF_ERROR(util::WriteFileAtomic(paths.ca_cert(), *ca_pem, 0644));
  WS_RETURN_IF_ERROR(server_key->SavePemFile(paths.server_key()));
  WS_RETURN_IF_ERROR(util::WriteFileAtomic(paths.server_cert(), *server_pem, 0644));

  auto lock = DirLock::TryAcquire(paths.dir);
  if (!lock.ok()) return lock.status();
  if (!lock->has_value()) return Status::Unavailable(options.data_dir + " is being initialised by another process");
  ServerStoreOptions so;
  so.create_if_missing = true;
  so.missing = MissingStamp::kStamp;
  so.stamped_by = "init";
  auto opened = OpenServerStore(**lock, so);
  if (!opened.ok()) return opened.status();
  KvStore* store = &(*opened)->store();
  // The server's own identity: resolutions made on the server are
  // change-sets signed by the server key, chained like any device's.
  wardsync::store::Device self;
  self.set_id("server");
  self.set_role(std::string(authority::RoleName(authority::Role::kServer)));
  self.set_label("central server");
  auto* k = self.add_keys();
  k->set_public_key(server_key->PublicKeyRaw());
  k->set_epoch(0);
  k->set_from_seq(1);
  WriteBatch batch;
  PutProto(batch, keys::Device("server"), self);
  WS_RETURN_IF_ERROR(store->Write(batch, true));

  SystemClock clock;
  ServerContext ctx{*store, clock, *server_key, {}, {}};
  if (pack) {
    auto published = PublishForms(ctx, pack->forms, pack->wards.wards_size() ? std::optional(pack->wards) : std::nullopt);
    if (!published.ok()) return published.status();
    out << "published " << published->published.size() << " forms";
    if (published->wards_changed) out << " and " << pack->wards.wards_size() << " wards";
    out << " from " << options.forms_dir << "\n";
  }
  auto fp = crypto::CertificateFingerprint(*ca_pem);
  out << "initialised " << options.data_dir << "\n";
  out << "  committee CA: " << paths.ca_cert() << " (SHA-256 " << (fp.ok() ? crypto::Hex(*fp) : "?") << ")\n";
  out << "  server certificate for:";
  for (const auto& h : hosts) out << " " << h;
  out << "\n";
  return Status::Ok();
}

}  // namespace wardsync::server

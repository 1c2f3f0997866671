#include "server/cli/init_command.h"

#include <filesystem>
#include <optional>

#include "common/authority/role.h"
#include "common/crypto/cert_check.h"
#include "common/crypto/cert_request.h"
#include "common/crypto/digest.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/pki.h"
#include "common/forms/form_loader.h"
#include "common/store/dir_lock.h"
#include "common/store/proto_io.h"
#include "common/store/store_factory.h"
#include "common/util/files.h"
#include "server/admin/publish.h"
#include "server/cli/new_private_dir.h"
#include "server/server_context.h"
#include "server/server_paths.h"
#include "server/store/server_keys.h"
#include "server/store/server_store.h"
#include "proto/store.pb.h"

namespace wardsync::server {
namespace {

// The keys and certificates of a new data directory, made before anything
// is written so a failure leaves nothing behind.
struct NewKeys {
  crypto::PrivateKey server_key;
  std::optional<crypto::PrivateKey> ca_key;  // one-step init only
  std::string ca_pem;
  std::string server_pem;  // one-step init; "" while the offline CA has not signed
  std::string csr_pem;     // offline CA: the request `cert install` completes
};

Result<NewKeys> MakeKeys(const InitOptions& options, const std::vector<std::string>& hosts) {
  auto server_key = crypto::PrivateKey::Generate();
  if (!server_key.ok()) return Status::Internal("key generation failed");
  NewKeys k{*server_key, std::nullopt, "", "", ""};
  if (!options.ca_cert_file.empty()) {
    // The committee CA from the offline machine: its key never comes here.
    WS_RETURN_IF_ERROR(util::ReadRegularFile(options.ca_cert_file, 64 << 10, &k.ca_pem));
    auto fp = crypto::CheckCaCertificate(k.ca_pem);
    if (!fp.ok()) return Status::Invalid(options.ca_cert_file + ": " + fp.status().message());
    auto csr = crypto::MakeServerCertificateRequest(k.server_key, hosts);
    if (!csr.ok()) return csr.status();
    k.csr_pem = *csr;
    return k;
  }
  auto ca_key = crypto::PrivateKey::Generate();
  if (!ca_key.ok()) return Status::Internal("key generation failed");
  auto ca_pem = crypto::MakeCaCertificate(*ca_key, options.committee + " CA", options.cert_days);
  if (!ca_pem.ok()) return ca_pem.status();
  auto server_pem = crypto::IssueServerCertificate(*ca_key, *ca_pem, k.server_key, hosts, options.cert_days);
  if (!server_pem.ok()) return server_pem.status();
  k.ca_key = *ca_key;
  k.ca_pem = *ca_pem;
  k.server_pem = *server_pem;
  return k;
}

Status WriteKeys(const ServerPaths& paths, const NewKeys& k) {
  if (k.ca_key) WS_RETURN_IF_ERROR(k.ca_key->SavePemFile(paths.ca_key()));
  WS_RETURN_IF_ERROR(util::WriteFileAtomic(paths.ca_cert(), k.ca_pem, 0644));
  WS_RETURN_IF_ERROR(k.server_key.SavePemFile(paths.server_key()));
  if (!k.server_pem.empty()) WS_RETURN_IF_ERROR(util::WriteFileAtomic(paths.server_cert(), k.server_pem, 0644));
  if (!k.csr_pem.empty()) WS_RETURN_IF_ERROR(util::WriteFileAtomic(paths.server_csr(), k.csr_pem, 0644));
  return Status::Ok();
}

// Takes back what a failed init made in DIR (new or empty when it began),
// so a database that cannot be used leaves no half-made directory.
void RemoveContents(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) std::filesystem::remove_all(e.path(), ec);
}

// Opens the new store, refusing a database that already holds a server's
// store (another committee's, or this one's from an earlier init).
Result<std::unique_ptr<ServerStore>> OpenNewStore(const DirLock& lock, const InitOptions& options) {
  ServerStoreOptions so;
  so.url = options.store_url;
  so.create_if_missing = true;
  so.missing = MissingStamp::kStamp;
  so.stamped_by = "init";
  auto opened = OpenServerStore(lock, so);
  if (!opened.ok()) return opened.status();
  std::string existing;
  if ((*opened)->store().Get(keys::Device("server"), &existing).ok()) {
    return Status::Exists(RedactUrl(options.store_url) +
                          " already holds a wardsync server's store; init needs an empty database (a second server "
                          "on the same database gets a copy of the first one's data directory instead)");
  }
  return opened;
}

}  // namespace

Status InitServer(const InitOptions& options, std::ostream& out) {
  ServerPaths paths(options.data_dir);
  if (util::Exists(paths.db()) || util::Exists(paths.ca_key()) || util::Exists(paths.store_url())) {
    return Status::Exists(options.data_dir + " is already initialised; refusing to overwrite its keys");
  }
  auto engine = StoreEngine(options.store_url);
  if (!engine.ok()) return engine.status();
  WS_RETURN_IF_ERROR(CheckNewPrivateDir(options.data_dir));
  // Load the forms and make the keys first: a bad pack or CA certificate
  // fails before anything is created.
  std::optional<forms_util::FormPack> pack;
  if (!options.forms_dir.empty()) {
    auto loaded = forms_util::LoadFormPack(options.forms_dir);
    if (!loaded.ok()) return loaded.status();
    pack = std::move(loaded).value();
  }
  std::vector<std::string> hosts = options.hosts.empty() ? std::vector<std::string>{"localhost", "127.0.0.1"}
                                                         : options.hosts;
  auto keys = MakeKeys(options, hosts);
  if (!keys.ok()) return keys.status();
  const crypto::PrivateKey& server_key = keys->server_key;
  WS_RETURN_IF_ERROR(MakePrivateDir(options.data_dir));
  WS_RETURN_IF_ERROR(WriteKeys(paths, *keys));
  // Recorded before the store is made: every later command opens the store
  // the directory names (server/store/server_store.h).
  if (*engine != "leveldb") WS_RETURN_IF_ERROR(util::WriteFileAtomic(paths.store_url(), options.store_url + "\n", 0600));

  auto lock = DirLock::TryAcquire(paths.dir);
  if (!lock.ok()) return lock.status();
  if (!lock->has_value()) return Status::Unavailable(options.data_dir + " is being initialised by another process");
  auto opened = OpenNewStore(**lock, options);
  if (!opened.ok()) {
    lock->reset();
    RemoveContents(options.data_dir);
    return opened.status();
  }
  KvStore* store = &(*opened)->store();
  // The server's own identity: resolutions made on the server are
  // change-sets signed by the server key, chained like any device's.
  wardsync::store::Device self;
  self.set_id("server");
  self.set_role(std::string(authority::RoleName(authority::Role::kServer)));
  self.set_label("central server");
  auto* k = self.add_keys();
  k->set_public_key(server_key.PublicKeyRaw());
  k->set_epoch(0);
  k->set_from_seq(1);
  WriteBatch batch;
  PutProto(batch, keys::Device("server"), self);
  WS_RETURN_IF_ERROR(store->Write(batch, true));

  SystemClock clock;
  ServerContext ctx{*store, clock, server_key, {}, {}};
  if (pack) {
    auto published = PublishForms(ctx, pack->forms, pack->wards.wards_size() ? std::optional(pack->wards) : std::nullopt,
                                  pack->choice_lists);
    if (!published.ok()) return published.status();
    out << "published " << published->published.size() << " forms";
    if (!published->lists_published.empty()) out << ", " << published->lists_published.size() << " choice lists";
    if (published->wards_changed) out << " and " << pack->wards.wards_size() << " wards";
    out << " from " << options.forms_dir << "\n";
  }
  auto fp = crypto::CertificateFingerprint(keys->ca_pem);
  out << "initialised " << options.data_dir << "\n";
  if (*engine != "leveldb") out << "  store: " << RedactUrl(options.store_url) << " (recorded in " << paths.store_url() << ")\n";
  out << "  committee CA: " << paths.ca_cert() << " (SHA-256 " << (fp.ok() ? crypto::Hex(*fp) : "?") << ")\n";
  out << (keys->csr_pem.empty() ? "  server certificate for:" : "  certificate request for:");
  for (const auto& h : hosts) out << " " << h;
  out << "\n";
  if (!keys->csr_pem.empty()) {
    out << "  server key: SHA-256 " << crypto::Hex(crypto::Sha256(server_key.PublicKeyRaw())) << "\n"
        << "the committee CA's key is not here: take " << paths.server_csr() << " to the offline CA machine,\n"
        << "  wardsync-server ca sign-server --ca CADIR --csr server.csr --out server.pem\n"
        << "and bring server.pem back:\n"
        << "  wardsync-server cert install --data " << options.data_dir << " --cert server.pem\n";
  }
  return Status::Ok();
}

}  // namespace wardsync::server

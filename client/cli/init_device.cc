#include "client/cli/init_device.h"

#include <unistd.h>

#include <filesystem>

#include "client/client_paths.h"
#include "client/store/client_store.h"
#include "client/sync/sync_client.h"
#include "common/crypto/ed25519.h"
#include "common/enroll/enroll_code.h"
#include "common/net/framed_stream.h"
#include "common/store/leveldb_store.h"
#include "common/util/files.h"
#include "common/wire/protocol_limits.h"

namespace wardsync::client {

Status InitDevice(const InitDeviceOptions& o, std::ostream& out, std::string* forms_error) {
  ClientPaths paths(o.data_dir);
  if (util::Exists(paths.device_key()) || util::Exists(paths.db())) {
    return Status::Exists(o.data_dir + " already holds an enrolled device; use another --data directory");
  }
  auto code = enroll::DecodeEnrollCode(o.code);
  if (!code.ok()) return code.status();
  std::string server = o.server.empty() ? code->server : o.server;
  if (server.empty()) return Status::Invalid("--server HOST:PORT is required (the code carries no server address)");
  auto hp = net::ParseHostPort(server);
  if (!hp.ok()) return Status::Invalid("--server: " + hp.status().message());

  const std::string label = o.label.empty() ? o.officer : o.label;
  if (Status s = enroll::CheckDeviceLabel(label); !s.ok()) {
    return Status::Invalid((o.label.empty() ? "--officer: " : "--label: ") + s.message());
  }

  // Before the one-time code is used: every server takes at least the
  // protocol minimums (PROTOCOL.md, Limits); a longer name would be refused.
  if (o.officer.size() > wire::kMinOfficerBytes) {
    return Status::Invalid("officer name too long: " + std::to_string(o.officer.size()) + " bytes, at most " +
                           std::to_string(wire::kMinOfficerBytes));
  }
  if (const std::string& label = o.label.empty() ? o.officer : o.label; label.size() > wire::kMinLabelBytes) {
    return Status::Invalid("device label too long: " + std::to_string(label.size()) + " bytes, at most " +
                           std::to_string(wire::kMinLabelBytes));
  }
  // The key is made here and never leaves the device.
  auto key = crypto::PrivateKey::Generate();
  if (!key.ok()) return key.status();
  auto enrolled = Enroll(hp->first, hp->second, code->ca_fingerprint, code->secret, *key,
                         label, std::chrono::seconds(15));
  if (!enrolled.ok()) return enrolled.status();

  WS_RETURN_IF_ERROR(util::MakeDirs(o.data_dir, 0700));
  WS_RETURN_IF_ERROR(key->SavePemFile(paths.device_key()));
  auto db = LevelDbStore::Open(paths.db());
  if (!db.ok()) return db.status();
  ClientStore store(**db);
  store::ClientConfig cfg;
  cfg.set_device_id(enrolled->device_id);
  cfg.set_server(net::FormatHostPort(hp->first, hp->second));
  cfg.set_server_name(hp->first);
  cfg.set_ca_pem(enrolled->ca_pem);
  cfg.set_ward(enrolled->ward);
  cfg.set_role(enrolled->role);
  cfg.set_officer(o.officer);
  WS_RETURN_IF_ERROR(store.SaveConfig(cfg));
  out << "enrolled device " << enrolled->device_id << " for ward " << enrolled->ward << " as " << enrolled->role
      << "\n";
  auto synced = RunSync(store, *key, SyncOptions{});
  if (!synced.ok()) {
    *forms_error = synced.status().message();
  } else {
    auto forms = store.Forms();
    out << "pulled " << (forms.ok() ? forms->All().size() : 0) << " form(s) and " << synced->progress.pulled
        << " record(s)\n";
  }
  return Status::Ok();
}

}  // namespace wardsync::client

#include "client/cli/init_device.h"

#include <unistd.h>

#include <filesystem>

#include "client/client_paths.h"
#include "client/store/client_store.h"
#include "client/sync/sync_client.h"
#include "common/crypto/ed25519.h"
#include "common/enroll/enroll_code.h"
#include "common/net/framed_stream.h"
#include "common/net/server_list.h"
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
  auto servers = net::ParseServerList(server);
  if (!servers.ok()) return Status::Invalid((o.server.empty() ? "the code's server: " : "--server: ") +
                                            servers.status().message());

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
  // Each address in turn until the committee's server answers (the others
  // may be standbys that do not serve, or a machine that is down).
  Result<EnrollResult> enrolled = Status::Unavailable("no server address");
  std::string enrolled_at, unreachable;
  for (const std::string& address : *servers) {
    auto hp = net::ParseHostPort(address);
    if (!hp.ok()) return hp.status();
    bool answered = false;
    enrolled = Enroll(hp->first, hp->second, code->ca_fingerprint, code->secret, *key, label,
                      std::chrono::seconds(15), &answered);
    if (answered) {
      enrolled_at = address;
      break;
    }
    unreachable += (unreachable.empty() ? "" : "; ") + enrolled.status().message();
  }
  if (enrolled_at.empty() && servers->size() > 1) {
    return Status(enrolled.status().code(), "no address of the server answered: " + unreachable);
  }
  if (!enrolled.ok()) return enrolled.status();

  WS_RETURN_IF_ERROR(util::MakeDirs(o.data_dir, 0700));
  WS_RETURN_IF_ERROR(key->SavePemFile(paths.device_key()));
  auto db = LevelDbStore::Open(paths.db());
  if (!db.ok()) return db.status();
  ClientStore store(**db);
  store::ClientConfig cfg;
  cfg.set_device_id(enrolled->device_id);
  // The addresses in the order given; the one that answered is tried first.
  cfg.set_server(servers->front());
  cfg.set_server_name(net::ParseHostPort(servers->front())->first);
  for (size_t i = 1; i < servers->size(); ++i) cfg.add_more_servers((*servers)[i]);
  cfg.set_ca_pem(enrolled->ca_pem);
  cfg.set_ward(enrolled->ward);
  cfg.set_role(enrolled->role);
  cfg.set_officer(o.officer);
  WS_RETURN_IF_ERROR(store.SaveConfig(cfg));
  (void)store.SavePreferredServer(enrolled_at);  // a hint only: losing it costs one try in order
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

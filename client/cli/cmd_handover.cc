// `handover`: the device's unacknowledged change-sets in one signed file
// (common/bundle), for `wardsync-server import` when the network cannot
// carry them: a revoked device, or a ward with no link at all (USB).
// The outbox is left as it is: the same change-sets may still go by a sync
// or another import, and the server applies each only once.
#include <cstdint>

#include "client/cli/command.h"
#include "client/keys/device_keys.h"
#include "common/bundle/bundle.h"
#include "common/changes/changeset.h"
#include "common/util/files.h"
#include "common/util/json_writer.h"

namespace wardsync::client {

int CmdHandover(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto path = args.Require("out");
  if (!path.ok() || path->empty()) {
    err << "error: --out FILE is required (where to write the bundle, e.g. on a USB stick)\n";
    return 2;
  }
  if (!args.positional().empty()) {
    err << "error: handover takes no other arguments (\"" << args.positional()[0] << "\")\n";
    return 2;
  }
  ClientStore& store = env.store();
  auto cfg = store.Config();
  if (!cfg.ok()) {
    err << "error: " << cfg.status().message() << "\n";
    return 1;
  }
  // The keys before the outbox: a rotation acknowledged after this retires
  // the old key, but the change-sets of its epoch leave the outbox in that
  // same acknowledgement, before they are read below.
  auto keys = LoadDeviceKeys(store, env.paths());
  if (!keys.ok()) {
    err << "error: " << keys.status().message() << "\n";
    return 1;
  }
  // The state, then every outbox entry after its ack (an ack landing
  // meanwhile only makes the bundle carry a change-set the server already
  // holds, which import acknowledges again), with the hash the chain
  // recorded for the newest.
  auto state = store.State();
  if (!state.ok()) {
    err << "error: " << state.status().message() << "\n";
    return 1;
  }
  std::string newest_hash;
  auto pending = store.PendingBatch(state->acked_seq(), SIZE_MAX, SIZE_MAX, &newest_hash);
  if (!pending.ok()) {
    err << "error: " << pending.status().message() << "\n";
    return 1;
  }
  if (pending->empty()) {
    if (args.Flag("json")) {
      util::JsonWriter w;
      w.BeginObject().Key("file").Null().Key("device").String(cfg->device_id()).Key("change_sets").Uint(0).EndObject();
      out << w.str() << "\n";
    } else {
      out << "nothing to hand over: the server has acknowledged every change-set of this device; no file written\n";
    }
    return 0;
  }
  // Signed by the newest key the server is known to hold: while a rotation
  // is unacknowledged (it may be in this very bundle) that is the old one.
  const bool rotating = RotationPending(*state) && keys->previous.has_value();
  const crypto::PrivateKey& key = rotating ? *keys->previous : keys->signing;
  const uint32_t epoch = rotating ? keys->epoch - 1 : keys->epoch;

  wardsync::bundle::BundleBody body;
  body.set_format(1);
  body.set_device_id(cfg->device_id());
  body.set_created_ms(env.clock().NowMs());
  body.set_acked_seq(state->acked_seq());
  body.set_last_seq(state->last_seq());
  body.set_key_epoch(epoch);
  body.set_officer(cfg->officer());
  uint64_t first = 0, last = 0;
  std::string before_hash;  // of the entry before this one, as it is now
  for (auto& e : *pending) {
    wardsync::changes::ChangeSetBody b;
    if (!changes_util::ParseBody(e.signed_(), &b).ok()) {
      err << "error: an outbox entry does not parse; nothing written\n";
      return 1;
    }
    // Each change-set is signed below, so each must be the bytes saved:
    // the next one's prev_hash (the state's hash for the newest) was
    // recorded when it was.
    if (first != 0 && b.prev_hash() != before_hash) {
      err << "error: change-set " << last << " is not the bytes that were saved (the store is damaged); "
          << "nothing written\n";
      return 1;
    }
    before_hash = changes_util::BodyHash(e.signed_());
    if (first == 0) first = b.seq();
    last = b.seq();
    // Every change-set signed, not only the run heads a push would sign:
    // import cuts the bundle into pushes of its own size, and each push's
    // last change-set must carry a signature.
    if (e.signed_().signature().empty()) {
      const crypto::PrivateKey* signer = keys->ForEpoch(b.key_epoch());
      if (signer == nullptr) {
        err << "error: change-set " << b.seq() << " is of key epoch " << b.key_epoch() << ", whose key "
            << (b.key_epoch() > keys->epoch ? "was made by a key rotation since this command started; run it again"
                                            : "this device no longer holds")
            << "; nothing written\n";
        return 1;
      }
      changes_util::SignBytes(e.mutable_signed_(), *signer);
    }
    *body.add_change_sets() = std::move(*e.mutable_signed_());
  }
  if (before_hash != newest_hash) {
    err << "error: change-set " << last << " is not the bytes that were saved (the store is damaged); "
        << "nothing written\n";
    return 1;
  }
  const std::string bytes = bundle_util::Encode(body, key);
  // Complete or absent, readable by this user only: it carries ward data.
  if (Status s = util::WriteFileAtomic(*path, bytes, 0600); !s.ok()) {
    err << "error: cannot write " << *path << ": " << s.message() << "\n";
    return 1;
  }
  const size_t n = static_cast<size_t>(body.change_sets_size());
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("file").String(*path).Key("device").String(cfg->device_id());
    w.Key("change_sets").Uint(n).Key("first_seq").Uint(first).Key("last_seq").Uint(last);
    w.Key("bytes").Uint(bytes.size()).Key("key_epoch").Uint(epoch).EndObject();
    out << w.str() << "\n";
  } else {
    out << "wrote " << n << " change-set(s) of device " << cfg->device_id() << " (seq " << first << ".." << last
        << ") to " << *path << "\n"
        << "give the file to the committee's administrator: wardsync-server import --data DIR " << *path << "\n"
        << "they stay pending here; a later sync or import of the same change-sets changes nothing\n";
  }
  return 0;
}

}  // namespace wardsync::client

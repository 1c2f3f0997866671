#include "client/keys/key_rotation.h"

#include "client/keys/device_keys.h"
#include "client/sync/clock_offset.h"
#include "common/changes/changeset.h"
#include "common/changes/key_rotation.h"
#include "common/clock/hlc.h"
#include "common/crypto/ed25519.h"

namespace wardsync::client {

Result<KeyRotationResult> RotateDeviceKey(ClientStore& store, const ClientPaths& paths, const Clock& clock) {
  auto lock = store.Lock();  // no capture may commit between reading the chain head and the commit
  auto config = store.Config();
  if (!config.ok()) return config.status();
  if (config->device_id().empty()) return Status::Precondition("this device is not enrolled (no device id)");
  auto state = store.State();
  if (!state.ok()) return state.status();
  if (RotationPending(*state)) {
    return Status::Precondition("the key rotation to epoch " + std::to_string(state->key_epoch()) +
                                " (change-set " + std::to_string(state->rotation_seq()) +
                                ") is not acknowledged by the server yet; run `wardsync sync` first");
  }
  auto current = LoadDeviceKeys(store, paths);
  if (!current.ok()) return current.status();
  // Files of epochs the server retired (a crash may have left one behind).
  WS_RETURN_IF_ERROR(RetireOldKeys(store, paths));

  // 1. The new key, durable before anything refers to it.
  auto fresh = crypto::PrivateKey::Generate();
  if (!fresh.ok()) return fresh.status();
  KeyRotationResult out;
  out.epoch = state->key_epoch() + 1;
  out.seq = state->last_seq() + 1;
  out.key_path = paths.device_key(out.epoch);
  out.public_key = fresh->PublicKeyRaw();
  WS_RETURN_IF_ERROR(fresh->SavePemFile(out.key_path));

  // 2. The rotation change-set, signed by the current key, and the new epoch.
  HybridLogicalClock hlc(clock, state->hlc());
  hlc.BoundAhead(AllowedSkewMs(*state));  // client/sync/clock_offset.h
  wardsync::changes::ChangeSetBody body;
  body.set_format(1);
  body.set_device_id(config->device_id());
  body.set_seq(out.seq);
  body.set_prev_hash(state->last_hash());
  body.set_hlc(hlc.Now());
  body.set_officer(config->officer());
  body.set_key_epoch(state->key_epoch());
  changes_util::SetRotation(body, *fresh);
  WS_RETURN_IF_ERROR(store.CommitChangeSet(changes_util::Sign(body, current->signing), {}, clock.NowMs()));
  return out;
}

}  // namespace wardsync::client

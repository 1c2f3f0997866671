// The device's keys by epoch, on the ward client.
//
// Files: ClientPaths::device_key(epoch) - device.key for the enrollment key
// (epoch 0), device.N.key for the key of epoch N - each written 0600 and
// refused when group or others can read it (crypto::PrivateKey::LoadPemFile).
// The LevelDB sync state says which epoch is current (state.key_epoch) and
// whether its rotation is acknowledged (state.acked_seq >= state.rotation_seq).
//
// Until the server acknowledges a rotation it may or may not hold it (the
// acknowledgement can be lost), so the hello carries a proof by the old key
// and one by the new key, and a push signs the run heads made before the
// rotation with the old key (the outbox holds them unsigned): both files are
// kept. Once acknowledged, everything of the old epoch is acknowledged too,
// the old key can sign nothing the server accepts, and its file is deleted.
#pragma once
#include <optional>

#include "client/client_paths.h"
#include "client/store/client_store.h"
#include "client/sync/sync_client.h"
#include "common/crypto/ed25519.h"
#include "common/status.h"
#include "proto/store.pb.h"

namespace wardsync::client {

// True while a key rotation is queued or sent but not acknowledged.
inline bool RotationPending(const store::SyncState& state) { return state.rotation_seq() > state.acked_seq(); }

struct DeviceKeys {
  crypto::PrivateKey signing;                  // the key of `epoch`: signs new change-sets
  uint32_t epoch = 0;
  std::optional<crypto::PrivateKey> previous;  // the key of epoch - 1, while the rotation is pending
  // The hello proof for this state (points into this object).
  DeviceProof Proof() const;
  // The key of epoch `e`, if held (the current one, or the previous one
  // while the rotation is pending); nullptr otherwise.
  const crypto::PrivateKey* ForEpoch(uint32_t e) const { return Proof().ForEpoch(e); }
};

// Loads the key files the current state needs (each checked for its mode),
// and checks the current one is the key the state names.
Result<DeviceKeys> LoadDeviceKeys(ClientStore& store, const ClientPaths& paths);

// Deletes the key files of epochs the server has retired (every epoch before
// the current one, once its rotation is acknowledged). Idempotent.
Status RetireOldKeys(ClientStore& store, const ClientPaths& paths);

// One sync round with the right keys, then RetireOldKeys. What the `wardsync`
// commands and the agent run.
Result<SyncReport> SyncDevice(ClientStore& store, const ClientPaths& paths, const SyncOptions& options);

}  // namespace wardsync::client

// `wardsync rotate-key`: the device replaces its key (see PROTOCOL.md, Key
// rotation, and device_keys.h for the files).
//
// Made offline, like any change-set, in this order so a crash at any point
// leaves a device that works and a rotation that completes:
//   1. a new Ed25519 key is generated and written to device.N.key (0600,
//      temp file + fsync + rename + directory fsync) - a crash here leaves
//      only an unused file, overwritten by the next attempt, since the epoch
//      moves only in step 2;
//   2. the rotation change-set (no changes; rotate_key = new public key,
//      epoch N, proof by the new key; signed by the current key) goes into
//      the outbox, and the state moves to epoch N, in ONE durable write.
//      From here new change-sets are of the new epoch (a push signs their
//      run heads with the new key); those made before come before it in
//      the chain, and a push signs their heads with the old key;
//   3. the next sync sends it like any pending change-set; once it is
//      acknowledged the old key file is deleted (SyncDevice).
// A second rotation is refused while one is not yet acknowledged.
#pragma once
#include <cstdint>
#include <string>

#include "client/client_paths.h"
#include "client/store/client_store.h"
#include "common/clock/clock.h"
#include "common/status.h"

namespace wardsync::client {

struct KeyRotationResult {
  uint32_t epoch = 0;       // the new key's epoch
  uint64_t seq = 0;         // the change-set that carries the rotation
  std::string key_path;     // the new key file
  std::string public_key;   // raw 32 bytes (public; the private key is never returned)
};

// Steps 1 and 2 above; nothing is sent.
Result<KeyRotationResult> RotateDeviceKey(ClientStore& store, const ClientPaths& paths, const Clock& clock);

}  // namespace wardsync::client

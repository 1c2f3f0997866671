// A device's keys on the server, by epoch (store.Device.keys): which key may
// sign which change-set, recording a key rotation, and the hello proof.
//
// Epoch e's key signs the change-sets from its from_seq up to the next
// epoch's from_seq - 1. A rotation is the change-set R signed by the latest
// key that names the next one (changes_util::CheckRotation); the new key
// signs from R + 1 on. Every key is kept, so old change-sets verify forever,
// but only the latest one proves the device at hello.
#pragma once
#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/store.pb.h"
#include "proto/sync.pb.h"

namespace wardsync::server {

const wardsync::store::DeviceKey* KeyForEpoch(const wardsync::store::Device& device, uint32_t epoch);
// nullptr if the device has no key at all (a damaged row).
const wardsync::store::DeviceKey* LatestKey(const wardsync::store::Device& device);

// The key that may sign change-set `seq` in `epoch`; an error saying why
// none may (unknown epoch, not yet valid, or retired by a later rotation).
Result<const wardsync::store::DeviceKey*> SigningKey(const wardsync::store::Device& device, uint32_t epoch,
                                                     uint64_t seq);

// Records the rotation `body` (already known to be signed by the key of its
// key_epoch): it must pass CheckRotation and rotate the device's latest key.
// Appends the new key (from_seq = body.seq() + 1, added_ms = now_ms).
Status AddRotatedKey(wardsync::store::Device& device, const wardsync::changes::ChangeSetBody& body, uint64_t now_ms);

// The hello's device proof over `binding` (the TLS exporter): by the latest
// key (hello.key_epoch names it), or, from a device whose rotation the
// server recorded before the device saw the acknowledgement, by the key
// before it with next_auth_signature by the latest key. A retired key alone
// never proves the device.
Status CheckHelloProof(const wardsync::store::Device& device, const wardsync::sync::Hello& hello,
                       std::string_view binding);

}  // namespace wardsync::server

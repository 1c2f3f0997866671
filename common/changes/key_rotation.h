// Key rotation statements (ChangeSetBody.rotate_key), shared by the client
// that makes them and the server and `verify` that check them.
//
// A rotation is a change-set of the device's own chain with no changes: the
// change-set signature by the current key (body.key_epoch) vouches for the
// new key, and KeyRotation.proof, made by the new key, proves the device
// holds it. The proof names the device, the chain position and the new
// epoch, so it cannot be lifted into another device's or another place's
// rotation.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "common/crypto/ed25519.h"
#include "common/status.h"
#include "proto/changes.pb.h"

namespace wardsync::changes_util {

// The bytes the new key signs (after crypto::kRotateContext).
std::string RotationProofMessage(std::string_view device_id, uint64_t seq, uint32_t new_epoch);

// Fills body.rotate_key for `new_key`: epoch = body.key_epoch() + 1 and the
// proof over body.device_id() and body.seq() (set those first).
void SetRotation(wardsync::changes::ChangeSetBody& body, const crypto::PrivateKey& new_key);

// What a rotation body must be on its own: no changes, a 32-byte key, the
// epoch right after the signing one, and a proof that verifies. (Whether the
// body's signature is by the current key is the caller's check.)
Status CheckRotation(const wardsync::changes::ChangeSetBody& body);

}  // namespace wardsync::changes_util

// Signing, verifying and chaining change-sets.
//   hash(cs)      = SHA-256(body bytes)
//   signature(cs) = Ed25519(device key, kChangeSetContext || body bytes)
//   body.prev_hash = hash(previous change-set of the device); empty for seq 1
// Verification always works on the received body bytes, never a re-encoding.
#pragma once
#include <string>
#include <string_view>

#include "common/crypto/ed25519.h"
#include "common/status.h"
#include "proto/changes.pb.h"

namespace wardsync::changes_util {

using wardsync::changes::ChangeSetBody;
using wardsync::changes::SignedChangeSet;

SignedChangeSet Sign(const ChangeSetBody& body, const crypto::PrivateKey& key);
// The body's bytes with no signature: what a ward client's outbox holds (the
// device signs a change-set when it sends it as a run's head; see
// signature_runs.h, SignRunHeads).
SignedChangeSet Unsigned(const ChangeSetBody& body);
// Signs cs's body bytes as they are (Ed25519 is deterministic: the same
// bytes and key give the same signature, so a resend is the same bytes).
void SignBytes(SignedChangeSet* cs, const crypto::PrivateKey& key);
bool VerifySignature(const SignedChangeSet& cs, std::string_view public_key_raw);
std::string BodyHash(const SignedChangeSet& cs);
// Parses cs.body(); a clear error if the bytes are not a ChangeSetBody.
Status ParseBody(const SignedChangeSet& cs, ChangeSetBody* body);

// Text form of a record id (32 lowercase hex digits) and back.
std::string RecordIdText(std::string_view raw);
bool ParseRecordId(std::string_view text, std::string* raw);
std::string NewRecordId();  // 16 random bytes

}  // namespace wardsync::changes_util

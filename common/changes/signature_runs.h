// The one signature rule for a device's chain of change-sets, used by ingest
// (server/ingest/ingest_group.cc) on every push and by `verify`
// (server/audit/verifier.cc) on every stored chain, so the two agree on
// every stored byte (PROTOCOL.md, Signatures).
//
// On the wire a push carries one signature per RUN: consecutive change-sets
// of the push in one key epoch; a key rotation ends its run. The run's last
// change-set (its head) carries its ordinary signature, and the hash chain
// (each body names its predecessor's hash) makes that one signature vouch for
// every earlier change-set of the run. Other change-sets travel without one;
// a signature that arrives on one anyway is dropped unread.
//
// What is stored is exactly what was verified: a head keeps its signature,
// every other change-set is stored without one. So the rule on a chain, read
// in seq order, is: every change-set is vouched for by the first signature at
// or after it, which must be in the same key epoch with no key rotation
// before it (a rotation always carries its own), and which must verify.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <google/protobuf/repeated_field.h>

#include "common/crypto/ed25519.h"
#include "common/status.h"
#include "proto/changes.pb.h"

namespace wardsync::changes_util {

// Does `body` end its signature run? `next` is the change-set after it in
// the same push (nullptr: it is the push's last).
bool EndsRun(const wardsync::changes::ChangeSetBody& body, const wardsync::changes::ChangeSetBody* next);

// The device's key of a key epoch; nullptr when the device no longer holds
// it (a retired epoch).
using KeyForEpoch = std::function<const crypto::PrivateKey*(uint32_t epoch)>;

// Makes a push's change-sets what the wire carries: each run's head carries
// its signature, every other change-set none. A head the outbox holds
// unsigned is signed here by key_for(its epoch): a ward client signs a
// change-set when it first sends it as a head, not when it saves it (a save
// is then one disk write and no signature; most change-sets are never a
// head). A head that carries a signature already (an outbox written by a
// version that signed every change-set) keeps it; it is the same bytes.
// A head is signed only if its body hashes to what the chain recorded when
// it was saved: the next change-set's prev_hash, or, for the push's last,
// `hash_after` (the prev_hash of the change-set saved after it, or the
// device's last_hash if it is the newest).
// Change-sets of an epoch after `newest_epoch` (made after a key rotation
// the caller loaded its keys before) are removed from the push's end: they
// go with a later push, signed by the keys loaded then; the push may end
// up empty. Refused, nothing signed or removed, if a body is not wire
// format, a head's epoch has no key, or a head's bytes are not the ones
// saved (kCorruption: a damaged store).
Status SignRunHeads(google::protobuf::RepeatedPtrField<wardsync::changes::SignedChangeSet>* push,
                    const KeyForEpoch& key_for, uint32_t newest_epoch, std::string_view hash_after);

// Walks one device's chain (or the new part of a push) in seq order.
class SignatureRuns {
 public:
  // The next change-set. `signature` empty: it carries none. `public_key`:
  // the key of body.key_epoch() that may sign body.seq() (the caller checks
  // that one may: server::SigningKey).
  Status Next(const wardsync::changes::ChangeSetBody& body, std::string_view body_bytes, std::string_view signature,
              std::string_view public_key);
  // The next change-set is unsigned and the last one kept from a run the
  // server cut (a later change-set of the run was refused): `later_bodies`
  // are the run's bodies after it up to its head, `signature` the head's.
  // The proof the server verified before it applied any of the run.
  Status NextWithRunProof(const wardsync::changes::ChangeSetBody& body, std::string_view body_bytes,
                          const google::protobuf::RepeatedPtrField<std::string>& later_bodies,
                          std::string_view signature, std::string_view public_key);
  // An error if change-sets remain that no signature vouches for.
  Status Finish() const;
  uint64_t signatures_verified() const { return verified_; }

 private:
  Status CheckJoins(const wardsync::changes::ChangeSetBody& body) const;
  std::string Uncovered() const;
  // The change-sets seen since the last signature (none vouched for yet).
  bool open_ = false;
  uint64_t first_ = 0;
  uint64_t last_ = 0;
  uint32_t epoch_ = 0;
  uint64_t verified_ = 0;
};

}  // namespace wardsync::changes_util

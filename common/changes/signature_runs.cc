#include "common/changes/signature_runs.h"

#include <vector>

#include "common/changes/changeset.h"
#include "common/crypto/digest.h"
#include "common/crypto/ed25519.h"
#include "common/wire/wire_reader.h"

namespace wardsync::changes_util {

using wardsync::changes::ChangeSetBody;
using wardsync::changes::SignedChangeSet;

bool EndsRun(const ChangeSetBody& body, const ChangeSetBody* next) {
  return next == nullptr || body.has_rotate_key() || next->key_epoch() != body.key_epoch();
}

namespace {

// What EndsRun reads of a body: its key epoch and whether it rotates the
// key. Read from the bytes, as a parse would give them (the last key_epoch
// set; rotate_key present if any occurrence is): a device's push of 50,000
// change-sets parsed every body whole for these two fields, a fifth of its
// CPU for the push. False if the bytes are not wire format.
struct RunFields {
  uint32_t key_epoch = 0;
  bool rotates = false;
  // For SignRunHeads: the hash a head is checked against (into the
  // scanned bytes) and the seq an error names.
  std::string_view prev_hash;
  uint64_t seq = 0;
};

bool ScanRunFields(std::string_view body, RunFields* out) {
  *out = {};
  wire::WireReader r = wire::Over(body);
  while (r.p != r.end) {
    uint32_t number = 0, type = 0;
    if (!r.Tag(&number, &type)) return false;
    if (number == ChangeSetBody::kKeyEpochFieldNumber && type == 0) {
      uint64_t v = 0;
      if (!r.Varint(&v)) return false;
      out->key_epoch = static_cast<uint32_t>(v);
      continue;
    }
    if (number == ChangeSetBody::kSeqFieldNumber && type == 0) {
      if (!r.Varint(&out->seq)) return false;
      continue;
    }
    std::string_view skipped;
    if (!r.Skip(type, &skipped)) return false;
    if (number == ChangeSetBody::kRotateKeyFieldNumber && type == 2) out->rotates = true;
    if (number == ChangeSetBody::kPrevHashFieldNumber && type == 2) out->prev_hash = skipped;
  }
  return true;
}

}  // namespace

Status SignRunHeads(google::protobuf::RepeatedPtrField<SignedChangeSet>* push, const KeyForEpoch& key_for,
                    uint32_t newest_epoch, std::string_view hash_after) {
  std::vector<RunFields> runs(static_cast<size_t>(push->size()));
  for (int k = 0; k < push->size(); ++k) {
    if (!ScanRunFields(push->Get(k).body(), &runs[static_cast<size_t>(k)])) {
      return Status::Invalid("change-set body is not a valid ChangeSetBody message");
    }
  }
  // What goes now: up to the first change-set of an epoch after the
  // caller's keys (made after a key rotation the caller has not loaded).
  size_t sent = 0;
  while (sent < runs.size() && runs[sent].key_epoch <= newest_epoch) ++sent;
  if (sent < runs.size()) hash_after = runs[sent].prev_hash;
  // EndsRun, on the scanned fields.
  std::vector<bool> head(sent);
  for (size_t k = 0; k < sent; ++k) {
    head[k] = k + 1 == sent || runs[k].rotates || runs[k + 1].key_epoch != runs[k].key_epoch;
    if (!head[k] || !push->Get(static_cast<int>(k)).signature().empty()) continue;
    const std::string seq = std::to_string(runs[k].seq);
    if (key_for(runs[k].key_epoch) == nullptr) {
      return Status::Precondition("change-set " + seq + " (key epoch " + std::to_string(runs[k].key_epoch) +
                                  ") must be signed to be sent, and this device no longer holds that epoch's key");
    }
    // Signed only as saved: the next change-set (or the state) holds the
    // hash of the bytes as they were written, so a body damaged in the
    // store since is refused here rather than vouched for.
    const std::string_view saved = k + 1 < sent ? runs[k + 1].prev_hash : hash_after;
    if (crypto::Sha256(push->Get(static_cast<int>(k)).body()) != saved) {
      return Status::Corruption("change-set " + seq + " is not the bytes that were saved (its hash differs from "
                                "the one the chain recorded): the store is damaged; nothing was signed or sent");
    }
  }
  push->DeleteSubrange(static_cast<int>(sent), push->size() - static_cast<int>(sent));
  for (size_t k = 0; k < sent; ++k) {
    SignedChangeSet* cs = push->Mutable(static_cast<int>(k));
    if (!head[k]) cs->clear_signature();
    else if (cs->signature().empty()) SignBytes(cs, *key_for(runs[k].key_epoch));
  }
  return Status::Ok();
}

std::string SignatureRuns::Uncovered() const {
  return first_ == last_ ? "change-set " + std::to_string(first_)
                         : "change-sets " + std::to_string(first_) + ".." + std::to_string(last_);
}

// An unsigned change-set joins the open run only in its epoch.
Status SignatureRuns::CheckJoins(const ChangeSetBody& body) const {
  if (open_ && body.key_epoch() != epoch_) {
    return Status::Denied("no signature vouches for " + Uncovered() + " (key epoch " + std::to_string(epoch_) +
                          "): the run ends unsigned where change-set " + std::to_string(body.seq()) +
                          " starts key epoch " + std::to_string(body.key_epoch()));
  }
  return Status::Ok();
}

Status SignatureRuns::Next(const ChangeSetBody& body, std::string_view body_bytes, std::string_view signature,
                           std::string_view public_key) {
  WS_RETURN_IF_ERROR(CheckJoins(body));
  if (signature.empty()) {
    if (body.has_rotate_key()) {
      return Status::Denied("key rotation in change-set " + std::to_string(body.seq()) +
                            " carries no signature (a rotation ends its run and is always signed)");
    }
    if (!open_) first_ = body.seq();
    open_ = true;
    last_ = body.seq();
    epoch_ = body.key_epoch();
    return Status::Ok();
  }
  if (!crypto::Verify(public_key, crypto::kChangeSetContext, body_bytes, signature)) {
    std::string what = "bad signature on change-set " + std::to_string(body.seq()) + " (key epoch " +
                       std::to_string(body.key_epoch()) + ")";
    if (open_) what += ", which is all that vouches for " + Uncovered();
    return Status::Denied(what);
  }
  open_ = false;
  ++verified_;
  return Status::Ok();
}

Status SignatureRuns::NextWithRunProof(const ChangeSetBody& body, std::string_view body_bytes,
                                       const google::protobuf::RepeatedPtrField<std::string>& later_bodies,
                                       std::string_view signature, std::string_view public_key) {
  WS_RETURN_IF_ERROR(Next(body, body_bytes, {}, public_key));
  const std::string where = "the run proof kept with change-set " + std::to_string(body.seq());
  if (later_bodies.empty() || signature.empty()) return Status::Denied(where + " is empty");
  std::string prev_hash = crypto::Sha256(body_bytes);
  uint64_t seq = body.seq();
  ChangeSetBody later;
  for (int k = 0; k < later_bodies.size(); ++k) {
    if (!later.ParseFromString(later_bodies.Get(k))) return Status::Denied(where + " holds a body that does not parse");
    ++seq;
    const bool head = k + 1 == later_bodies.size();
    if (later.device_id() != body.device_id() || later.seq() != seq || later.prev_hash() != prev_hash ||
        later.key_epoch() != body.key_epoch() || (later.has_rotate_key() && !head)) {
      return Status::Denied(where + " does not continue its chain in its key epoch (at seq " + std::to_string(seq) +
                            ")");
    }
    prev_hash = crypto::Sha256(later_bodies.Get(k));
  }
  if (!crypto::Verify(public_key, crypto::kChangeSetContext, later_bodies.Get(later_bodies.size() - 1), signature)) {
    return Status::Denied(where + ": the signature of the run's head " + std::to_string(seq) + " does not verify");
  }
  open_ = false;
  ++verified_;
  return Status::Ok();
}

Status SignatureRuns::Finish() const {
  if (!open_) return Status::Ok();
  return Status::Denied("no signature vouches for " + Uncovered() + ": the chain ends without one");
}

}  // namespace wardsync::changes_util

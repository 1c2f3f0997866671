#include "common/changes/key_rotation.h"

namespace wardsync::changes_util {

namespace {

void AppendBigEndian(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

std::string RotationProofMessage(std::string_view device_id, uint64_t seq, uint32_t new_epoch) {
  std::string m(device_id);
  m.push_back('\0');
  AppendBigEndian(&m, seq, 8);
  AppendBigEndian(&m, new_epoch, 4);
  return m;
}

void SetRotation(wardsync::changes::ChangeSetBody& body, const crypto::PrivateKey& new_key) {
  auto* r = body.mutable_rotate_key();
  r->set_public_key(new_key.PublicKeyRaw());
  r->set_epoch(body.key_epoch() + 1);
  r->set_proof(new_key.Sign(crypto::kRotateContext, RotationProofMessage(body.device_id(), body.seq(), r->epoch())));
}

Status CheckRotation(const wardsync::changes::ChangeSetBody& body) {
  const std::string where = "key rotation in change-set seq " + std::to_string(body.seq()) + ": ";
  if (!body.has_rotate_key()) return Status::Invalid(where + "missing");
  const auto& r = body.rotate_key();
  if (body.changes_size() != 0) return Status::Invalid(where + "a key rotation carries no changes");
  if (r.public_key().size() != 32) return Status::Invalid(where + "the new key must be a 32-byte Ed25519 key");
  if (static_cast<uint64_t>(r.epoch()) != static_cast<uint64_t>(body.key_epoch()) + 1) {
    return Status::Invalid(where + "new epoch " + std::to_string(r.epoch()) + " does not follow the signing epoch " +
                           std::to_string(body.key_epoch()));
  }
  if (!crypto::Verify(r.public_key(), crypto::kRotateContext,
                      RotationProofMessage(body.device_id(), body.seq(), r.epoch()), r.proof())) {
    return Status::Invalid(where + "the new key's proof of possession does not verify");
  }
  return Status::Ok();
}

}  // namespace wardsync::changes_util

#include "common/changes/changeset.h"

#include "common/crypto/digest.h"

namespace wardsync::changes_util {

SignedChangeSet Sign(const ChangeSetBody& body, const crypto::PrivateKey& key) {
  SignedChangeSet cs = Unsigned(body);
  SignBytes(&cs, key);
  return cs;
}

SignedChangeSet Unsigned(const ChangeSetBody& body) {
  SignedChangeSet cs;
  body.SerializeToString(cs.mutable_body());
  return cs;
}

void SignBytes(SignedChangeSet* cs, const crypto::PrivateKey& key) {
  cs->set_signature(key.Sign(crypto::kChangeSetContext, cs->body()));
}

bool VerifySignature(const SignedChangeSet& cs, std::string_view public_key_raw) {
  return crypto::Verify(public_key_raw, crypto::kChangeSetContext, cs.body(), cs.signature());
}

std::string BodyHash(const SignedChangeSet& cs) { return crypto::Sha256(cs.body()); }

Status ParseBody(const SignedChangeSet& cs, ChangeSetBody* body) {
  if (!body->ParseFromString(cs.body())) return Status::Invalid("change-set body is not a valid ChangeSetBody message");
  return Status::Ok();
}

std::string RecordIdText(std::string_view raw) { return crypto::Hex(raw); }

bool ParseRecordId(std::string_view text, std::string* raw) {
  return text.size() == 32 && crypto::FromHex(text, raw);
}

std::string NewRecordId() { return crypto::RandomBytes(16); }

}  // namespace wardsync::changes_util

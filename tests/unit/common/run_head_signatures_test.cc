// SignRunHeads (common/changes/signature_runs.h) reads each body's key epoch
// and rotation from its bytes: the change-sets it leaves signed must be
// exactly the heads EndsRun finds on the parsed bodies, each signed by the
// key of its own epoch when the outbox held it unsigned.
#include <catch2/catch.hpp>

#include <map>

#include "common/changes/changeset.h"
#include "common/changes/signature_runs.h"
#include "proto/changes.pb.h"

using namespace wardsync;
using changes::ChangeSetBody;
using changes::SignedChangeSet;

namespace {

ChangeSetBody Body(uint64_t seq, uint32_t epoch, bool rotates) {
  ChangeSetBody body;
  body.set_device_id("device-with-a-long-id");
  body.set_seq(seq);
  body.set_key_epoch(epoch);
  if (rotates) body.mutable_rotate_key()->set_public_key(std::string(32, 'k'));
  auto* change = body.add_changes();
  change->set_record_id(std::string(16, static_cast<char>('a' + seq % 26)));
  return body;
}

SignedChangeSet WithMark(uint64_t seq, uint32_t epoch, bool rotates) {
  SignedChangeSet s = changes_util::Unsigned(Body(seq, epoch, rotates));
  s.set_signature("signature-" + std::to_string(seq));
  return s;
}

crypto::PrivateKey NewKey() {
  auto k = crypto::PrivateKey::Generate();
  REQUIRE(k.ok());
  return *k;
}

}  // namespace

TEST_CASE("a push keeps the signature of each run's last change-set only, as EndsRun decides", "[unit][signature]") {
  // Epochs 0 0 0 1 1 (a rotation at 3 ends its run) 2 2, then a lone 3.
  const std::vector<std::pair<uint32_t, bool>> shape = {{0, false}, {0, false}, {0, true}, {1, false},
                                                        {1, true},  {2, false}, {2, false}, {3, false}};
  google::protobuf::RepeatedPtrField<SignedChangeSet> push;
  for (size_t i = 0; i < shape.size(); ++i) *push.Add() = WithMark(i + 1, shape[i].first, shape[i].second);
  auto expected = push;
  // Every head carries a signature already (an outbox of a version that
  // signed each change-set): no key is asked for.
  REQUIRE(changes_util::SignRunHeads(&push, [](uint32_t) { return nullptr; }, 3, "").ok());
  for (int k = 0; k < expected.size(); ++k) {
    ChangeSetBody body, next;
    REQUIRE(body.ParseFromString(expected.Get(k).body()));
    const bool last = k + 1 == expected.size();
    if (!last) REQUIRE(next.ParseFromString(expected.Get(k + 1).body()));
    const bool ends = changes_util::EndsRun(body, last ? nullptr : &next);
    INFO("change-set " << k + 1);
    CHECK(push.Get(k).signature() == (ends ? expected.Get(k).signature() : std::string()));
    CHECK(push.Get(k).body() == expected.Get(k).body());
  }
  // Kept: 3 (rotation), 5 (rotation), 7 (epoch changes after), 8 (last).
  CHECK(push.Get(2).signature() == "signature-3");
  CHECK(push.Get(0).signature().empty());
  CHECK(push.Get(6).signature() == "signature-7");
  CHECK(push.Get(7).signature() == "signature-8");

  // A body that is not wire format refuses the push, nothing changed.
  google::protobuf::RepeatedPtrField<SignedChangeSet> bad;
  *bad.Add() = WithMark(1, 0, false);
  bad.Add()->set_body(std::string("\x0a\x40", 2));  // a field announcing 64 bytes, holding none
  bad.Mutable(1)->set_signature("s");
  Status refused = changes_util::SignRunHeads(&bad, [](uint32_t) { return nullptr; }, 3, "");
  CHECK(refused.code() == Status::Code::kInvalidArgument);
  CHECK(bad.Get(0).signature() == "signature-1");
}

// `body` (of change-set `seq`, made by Body) with one bit of its record id
// flipped: still wire format, the same fields, other bytes.
std::string FlipInRecordId(std::string body, uint64_t seq) {
  const size_t at = body.find(std::string(16, static_cast<char>('a' + seq % 26)));
  REQUIRE(at != std::string::npos);
  body[at] ^= 1;
  return body;
}

// Unsigned change-sets of `shape` (epoch, rotates), chained as a device saves
// them; *hash_after = the last one's hash (the device's last_hash).
google::protobuf::RepeatedPtrField<SignedChangeSet> Chain(const std::vector<std::pair<uint32_t, bool>>& shape,
                                                          std::string* hash_after) {
  google::protobuf::RepeatedPtrField<SignedChangeSet> push;
  std::string prev;
  for (size_t i = 0; i < shape.size(); ++i) {
    ChangeSetBody body = Body(i + 1, shape[i].first, shape[i].second);
    body.set_prev_hash(prev);
    *push.Add() = changes_util::Unsigned(body);
    prev = changes_util::BodyHash(push.Get(static_cast<int>(i)));
  }
  *hash_after = prev;
  return push;
}

TEST_CASE("a push signs each unsigned run head by the key of its epoch, and only the heads", "[unit][signature]") {
  std::map<uint32_t, crypto::PrivateKey> keys = {{4, NewKey()}, {5, NewKey()}};
  auto key_for = [&keys](uint32_t e) -> const crypto::PrivateKey* {
    auto it = keys.find(e);
    return it == keys.end() ? nullptr : &it->second;
  };
  // 1 2 in epoch 4, 3 rotates (epoch 4), 4 5 in epoch 5: heads 3 and 5.
  const std::vector<std::pair<uint32_t, bool>> shape = {{4, false}, {4, false}, {4, true}, {5, false}, {5, false}};
  std::string hash_after;
  const auto saved = Chain(shape, &hash_after);
  auto push = saved;
  REQUIRE(changes_util::SignRunHeads(&push, key_for, 5, hash_after).ok());
  CHECK(push.Get(0).signature().empty());
  CHECK(push.Get(1).signature().empty());
  CHECK(push.Get(3).signature().empty());
  CHECK(changes_util::VerifySignature(push.Get(2), keys.at(4).PublicKeyRaw()));
  CHECK_FALSE(changes_util::VerifySignature(push.Get(2), keys.at(5).PublicKeyRaw()));
  CHECK(changes_util::VerifySignature(push.Get(4), keys.at(5).PublicKeyRaw()));
  // The same as signing the body when it was made.
  ChangeSetBody fifth;
  REQUIRE(fifth.ParseFromString(saved.Get(4).body()));
  CHECK(push.Get(4).signature() == changes_util::Sign(fifth, keys.at(5)).signature());

  // A head whose bytes are not the ones saved (the next body's prev_hash,
  // or for the last the hash recorded after it, says otherwise): refused
  // as a damaged store, nothing signed.
  for (int damaged : {2, 4}) {
    auto altered = saved;
    altered.Mutable(damaged)->set_body(FlipInRecordId(altered.Get(damaged).body(), damaged + 1));
    Status refused = changes_util::SignRunHeads(&altered, key_for, 5, hash_after);
    INFO("damaged change-set " << damaged + 1 << ": " << refused.message());
    CHECK(refused.code() == Status::Code::kCorruption);
    CHECK(refused.message().find("change-set " + std::to_string(damaged + 1) + " is not") != std::string::npos);
    for (const auto& cs : altered) CHECK(cs.signature().empty());
  }
  // A damaged non-head is left to the server's chain check (its successor's
  // prev_hash no longer matches it there), as a signature made at save
  // time would have left it: a head's signature covers only its own bytes.
  auto altered = saved;
  altered.Mutable(1)->set_body(FlipInRecordId(altered.Get(1).body(), 2));
  CHECK(changes_util::SignRunHeads(&altered, key_for, 5, hash_after).ok());
  CHECK(changes_util::SignRunHeads(&push, key_for, 5, "not the hash").code() == Status::Code::kOk);  // heads signed already

  // Keys loaded before a rotation (newest epoch 4): what was made in epoch
  // 5 after it is left for a later push; the rotation ends this one,
  // signed by epoch 4's key (checked against 4's prev_hash, not hash_after).
  auto before_rotation = saved;
  REQUIRE(changes_util::SignRunHeads(&before_rotation, key_for, 4, "not the hash").ok());
  REQUIRE(before_rotation.size() == 3);
  CHECK(before_rotation.Get(1).signature().empty());
  CHECK(changes_util::VerifySignature(before_rotation.Get(2), keys.at(4).PublicKeyRaw()));
  std::string later_after;
  auto all_later = Chain({{5, false}, {5, false}}, &later_after);
  REQUIRE(changes_util::SignRunHeads(&all_later, key_for, 4, later_after).ok());
  CHECK(all_later.empty());

  // A head of an earlier epoch whose key is gone: refused, nothing signed.
  keys.erase(4);
  std::string stale_after;
  auto stale = Chain({{4, false}, {5, false}}, &stale_after);
  Status refused = changes_util::SignRunHeads(&stale, key_for, 5, stale_after);
  CHECK(refused.code() == Status::Code::kFailedPrecondition);
  CHECK(refused.message().find("change-set 1 (key epoch 4)") != std::string::npos);
  REQUIRE(stale.size() == 2);
  CHECK(stale.Get(0).signature().empty());
  CHECK(stale.Get(1).signature().empty());
}

// KeepRunHeadSignatures (common/changes/signature_runs.h) reads each body's
// key epoch and rotation from its bytes: the signatures it keeps must be
// exactly those EndsRun keeps on the parsed bodies.
#include <catch2/catch.hpp>

#include "common/changes/signature_runs.h"
#include "proto/changes.pb.h"

using namespace wardsync;
using changes::ChangeSetBody;
using changes::SignedChangeSet;

namespace {

SignedChangeSet Signed(uint64_t seq, uint32_t epoch, bool rotates) {
  ChangeSetBody body;
  body.set_device_id("device-with-a-long-id");
  body.set_seq(seq);
  body.set_key_epoch(epoch);
  if (rotates) body.mutable_rotate_key()->set_public_key(std::string(32, 'k'));
  auto* change = body.add_changes();
  change->set_record_id(std::string(16, static_cast<char>('a' + seq % 26)));
  SignedChangeSet s;
  s.set_body(body.SerializeAsString());
  s.set_signature("signature-" + std::to_string(seq));
  return s;
}

}  // namespace

TEST_CASE("a push keeps the signature of each run's last change-set only, as EndsRun decides", "[unit][signature]") {
  // Epochs 0 0 0 1 1 (a rotation at 3 ends its run) 2 2, then a lone 3.
  const std::vector<std::pair<uint32_t, bool>> shape = {{0, false}, {0, false}, {0, true}, {1, false},
                                                        {1, true},  {2, false}, {2, false}, {3, false}};
  google::protobuf::RepeatedPtrField<SignedChangeSet> push;
  for (size_t i = 0; i < shape.size(); ++i) *push.Add() = Signed(i + 1, shape[i].first, shape[i].second);
  auto expected = push;
  REQUIRE(changes_util::KeepRunHeadSignatures(&push).ok());
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
  *bad.Add() = Signed(1, 0, false);
  bad.Add()->set_body(std::string("\x0a\x40", 2));  // a field announcing 64 bytes, holding none
  bad.Mutable(1)->set_signature("s");
  Status refused = changes_util::KeepRunHeadSignatures(&bad);
  CHECK(refused.code() == Status::Code::kInvalidArgument);
  CHECK(bad.Get(0).signature() == "signature-1");
}

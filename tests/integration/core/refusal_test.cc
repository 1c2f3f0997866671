// Change-sets the client library never sends, pushed over a raw connection:
// forged, tampered, replayed, gapped, forked, reordered or outside the
// device's ward. Each is refused with the right sync.Error code and changes
// nothing on the server; a replay of an accepted change-set is acknowledged
// again and not applied twice. A signed, chained change-set whose CONTENT is
// wrong (invalid value, unknown form or ward, a record that does not exist,
// too many changes) is not refused: it is accepted into the chain and each
// change that cannot be applied is kept as a REJECTED conflict, so the
// device's later change-sets still flow.
#include <catch2/catch.hpp>

#include "common/changes/changeset.h"
#include "common/reconcile/review.h"
#include "tests/integration/core/raw_client.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;
using changes::SignedChangeSet;

namespace {

const std::string kWard = "phuong-hoang-van-thu";
const std::string kOtherWard = "phuong-dong-quang";

// A server, an officer device of kWard whose first two change-sets (made by
// the client library, kept signed as a push sends them: each may end a
// resend) were accepted.
struct Accepted {
  ServerFixture server;
  DeviceFixture dev{server, kWard};
  std::vector<SignedChangeSet> sent;  // seq 1 and 2
  std::string last_hash;

  explicit Accepted(ServerFixtureOptions options = {}) : server(options) {
    dev.New("voter-meeting", VoterMeeting(Candidate(0), 100, 90));
    dev.New("voter-meeting", VoterMeeting(Candidate(1), 300, 200));
    auto batch = dev.store().PendingBatch(0, 10, 1 << 20);
    REQUIRE(batch.ok());
    for (const auto& e : *batch) {
      sent.push_back(e.signed_());
      changes_util::SignBytes(&sent.back(), dev.key());  // saved unsigned; the push signs a run's head
    }
    REQUIRE(sent.size() == 2);
    dev.SyncOk();
    last_hash = dev.State().last_hash();
    REQUIRE(server.Device(dev.device_id()).last_seq() == 2);
  }

  std::unique_ptr<RawSession> Connect(const crypto::PrivateKey& key) {
    auto cfg = dev.store().Config();
    REQUIRE(cfg.ok());
    auto s = RawSession::Open(server.port(), cfg->ca_pem(), dev.device_id(), key, 2);
    if (!s.ok()) FAIL("raw session: " << s.status().message());
    REQUIRE((*s)->reply().has_hello_reply());
    CHECK((*s)->reply().hello_reply().server_seq() == 2);
    return std::move(s).value();
  }

  PushOutcome Push(const std::vector<SignedChangeSet>& sets) { return Push(sets, dev.key()); }
  PushOutcome Push(const std::vector<SignedChangeSet>& sets, const crypto::PrivateKey& hello_key) {
    auto session = Connect(hello_key);
    auto r = session->Push(sets);
    if (!r.ok()) FAIL("push: " << r.status().message());
    return *r;
  }

  // A valid next change-set (seq 3) with `change`.
  SignedChangeSet Next(const changes::Change& change, uint64_t seq = 3) {
    return changes_util::Sign(MakeBody(dev.device_id(), seq, last_hash, {change}), dev.key());
  }
};

void CheckRefused(const PushOutcome& out, sync::ErrorCode code, uint64_t acked = 2) {
  REQUIRE(out.error.has_value());
  INFO("server said: " << out.error->message());
  CHECK(out.error->code() == code);
  CHECK_FALSE(out.error->message().empty());
  CHECK(out.acked_seq == acked);
}

}  // namespace

TEST_CASE("refused change-sets change nothing on the server", "[integration]") {
  Accepted t;
  const auto before = t.server.Dump();
  const uint64_t head = t.server.LogHead();
  const size_t records = t.server.Records().size();
  REQUIRE(records == 2);
  REQUIRE(before.size() > 2 * records);  // records, change-sets, log entries...

  SECTION("a tampered signature") {
    SignedChangeSet cs = t.Next(VoterMeetingCreate(kWard, 100, 50));
    std::string sig = cs.signature();
    sig[5] ^= 0x01;
    cs.set_signature(sig);
    CheckRefused(t.Push({cs}), sync::BAD_SIGNATURE);
  }
  SECTION("a body altered after signing") {
    SignedChangeSet cs = t.Next(VoterMeetingCreate(kWard, 100, 50));
    changes::ChangeSetBody body;
    REQUIRE(changes_util::ParseBody(cs, &body).ok());
    body.mutable_changes(0)->mutable_sets(3)->mutable_value()->set_integer(60);  // attended 50 -> 60
    cs.set_body(body.SerializeAsString());
    CheckRefused(t.Push({cs}), sync::BAD_SIGNATURE);
  }
  SECTION("a change-set signed by another key") {
    auto other = crypto::PrivateKey::Generate();
    REQUIRE(other.ok());
    SignedChangeSet cs =
        changes_util::Sign(MakeBody(t.dev.device_id(), 3, t.last_hash, {VoterMeetingCreate(kWard, 10, 5)}), *other);
    CheckRefused(t.Push({cs}), sync::BAD_SIGNATURE);
  }
  SECTION("a gap") {
    // seq 4 while the server holds 2.
    auto chain = MakeChain(t.dev.device_id(), t.dev.key(), kWard, 2, t.last_hash, 2);
    auto out = t.Push({chain[1]});
    CheckRefused(out, sync::BAD_CHAIN);
    CHECK(out.error->message().find("gap") != std::string::npos);
    CHECK(out.error->seq() == 4);
  }
  SECTION("a fork: a different change-set under an accepted seq") {
    // Same seq 2, valid signature, linked to seq 1 - but not what was accepted.
    SignedChangeSet fork = changes_util::Sign(MakeBody(t.dev.device_id(), 2, changes_util::BodyHash(t.sent[0]),
                                       {VoterMeetingCreate(kWard, 100, 50)}),
                              t.dev.key());
    auto out = t.Push({fork});
    CheckRefused(out, sync::BAD_CHAIN);
    CHECK(out.error->message().find("fork") != std::string::npos);
  }
  SECTION("a broken link") {
    SignedChangeSet cs = changes_util::Sign(
        MakeBody(t.dev.device_id(), 3, std::string(32, 'x'), {VoterMeetingCreate(kWard, 100, 50)}), t.dev.key());
    CheckRefused(t.Push({cs}), sync::BAD_CHAIN);
  }
  SECTION("a reordered run") {
    auto chain = MakeChain(t.dev.device_id(), t.dev.key(), kWard, 2, t.last_hash, 2);
    CheckRefused(t.Push({chain[1], chain[0]}), sync::BAD_CHAIN);
  }
  SECTION("a record of another ward (officer)") {
    CheckRefused(t.Push({t.Next(VoterMeetingCreate(kOtherWard, 100, 50))}), sync::FORBIDDEN);
  }
  SECTION("a change-set that claims another device") {
    SignedChangeSet cs = changes_util::Sign(
        MakeBody("0000000000000000", 3, t.last_hash, {VoterMeetingCreate(kWard, 100, 50)}), t.dev.key());
    CheckRefused(t.Push({cs}), sync::FORBIDDEN);
  }

  CHECK(t.server.Dump() == before);
  CHECK(t.server.LogHead() == head);
  CHECK(t.server.Records().size() == records);
  CHECK(t.server.Device(t.dev.device_id()).last_seq() == 2);
  CHECK(t.server.Device(t.dev.device_id()).last_hash() == t.last_hash);

  // The refusal did not poison the chain: the real next change-set is taken.
  auto ok = t.Push({t.Next(VoterMeetingCreate(kWard, 100, 50))});
  INFO((ok.error ? ok.error->message() : ""));
  CHECK_FALSE(ok.error.has_value());
  CHECK(ok.acked_seq == 3);
  CHECK(t.server.Records().size() == records + 1);
}

TEST_CASE("a replayed change-set is acknowledged again and not applied twice", "[integration]") {
  Accepted t;
  const auto before = t.server.Dump();
  const uint64_t head = t.server.LogHead();

  SECTION("the whole accepted run, byte for byte") {
    auto out = t.Push(t.sent);
    CHECK_FALSE(out.error.has_value());
    CHECK(out.acked_seq == 2);
  }
  SECTION("one accepted change-set") {
    auto out = t.Push({t.sent[0]});
    CHECK_FALSE(out.error.has_value());
    CHECK(out.acked_seq == 2);
  }
  SECTION("twice in one push") {
    auto out = t.Push({t.sent[1], t.sent[1]});
    // Not ascending: either acknowledged as held or refused, never applied.
    CHECK(out.acked_seq == 2);
    if (out.error) CHECK(out.error->code() == sync::BAD_CHAIN);
  }
  CHECK(t.server.Dump() == before);
  CHECK(t.server.LogHead() == head);
  CHECK(t.server.Records().size() == 2);

  SECTION("replayed with new ones behind it: only the new ones are applied") {
    auto fresh = MakeChain(t.dev.device_id(), t.dev.key(), kWard, 2, t.last_hash, 1);
    auto out = t.Push({t.sent[0], t.sent[1], fresh[0]});
    CHECK_FALSE(out.error.has_value());
    CHECK(out.acked_seq == 3);
    CHECK(t.server.Records().size() == 3);
    CHECK(t.server.LogHead() == head + 1);
  }
}

TEST_CASE("a run refused part-way keeps what came before it", "[integration]") {
  Accepted t;
  const uint64_t head = t.server.LogHead();
  auto good = MakeChain(t.dev.device_id(), t.dev.key(), kWard, 2, t.last_hash, 1);
  // seq 4 writes outside the device's ward.
  SignedChangeSet bad = changes_util::Sign(
      MakeBody(t.dev.device_id(), 4, changes_util::BodyHash(good[0]), {VoterMeetingCreate(kOtherWard, 10, 5)}),
      t.dev.key());
  auto out = t.Push({good[0], bad});
  REQUIRE(out.error.has_value());
  CHECK(out.error->code() == sync::FORBIDDEN);
  CHECK(out.error->seq() == 4);
  CHECK(out.acked_seq == 3);
  CHECK(t.server.Device(t.dev.device_id()).last_seq() == 3);
  CHECK(t.server.LogHead() == head + 1);
  CHECK(t.server.Records().size() == 3);
}

TEST_CASE("an officer cannot change another ward's existing record", "[integration]") {
  Accepted t;
  DeviceFixture other(t.server, kOtherWard, "officer", "Bùi Văn Khoa");
  const std::string theirs = other.New("voter-meeting", VoterMeeting(Candidate(2), 40, 30));
  other.SyncOk();
  std::string raw;
  REQUIRE(changes_util::ParseRecordId(theirs, &raw));
  const auto before = t.server.Dump();

  changes::Change c;
  c.set_record_id(raw);
  c.set_form_id("voter-meeting");
  c.set_form_version(1);
  c.set_op(changes::Change::UPDATE);
  auto* set = c.add_sets();
  set->set_field("attended");
  set->mutable_value()->set_integer(1);
  // Whichever ward the change names, the record's own ward decides.
  const std::string claimed = GENERATE(kOtherWard, kWard);
  INFO("the change claims ward " << claimed);
  c.set_ward(claimed);
  CheckRefused(t.Push({t.Next(c)}), sync::FORBIDDEN);
  CHECK(t.server.Dump() == before);
}

TEST_CASE("a device whose hello is signed by the wrong key is not let in", "[integration]") {
  Accepted t;
  auto other = crypto::PrivateKey::Generate();
  REQUIRE(other.ok());
  auto cfg = t.dev.store().Config();
  REQUIRE(cfg.ok());
  auto s = RawSession::Open(t.server.port(), cfg->ca_pem(), t.dev.device_id(), *other, 2);
  REQUIRE(s.ok());
  REQUIRE((*s)->reply().has_error());
  CHECK((*s)->reply().error().code() == sync::AUTH_FAILED);
}

namespace {

changes::Change Op(changes::Change::Op op, const std::string& record_id) {
  changes::Change c;
  c.set_record_id(record_id);
  c.set_form_id("voter-meeting");
  c.set_form_version(1);
  c.set_ward(kWard);
  c.set_op(op);
  return c;
}

const records::Conflict* OpenRejected(const records::RecordState& r) {
  for (const auto& c : r.conflicts()) {
    if (c.open() && c.kind() == records::REJECTED) return &c;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a signed, chained change-set whose content cannot be applied is accepted and kept as rejected",
          "[integration][rejected]") {
  ServerFixtureOptions options;
  options.limits.max_changes_per_changeset = 3;
  Accepted t(options);
  const uint64_t head = t.server.LogHead();
  const records::RecordState existing_before = t.server.Records()[0];
  const std::string existing = existing_before.record_id();

  std::vector<changes::Change> changes;
  std::string expect;  // a word of the reason
  // GENERATE, not SECTIONs: the set-up alone holds no assertion (ctest runs
  // with --warn NoAssertions).
  const int which = GENERATE(0, 1, 2, 3, 4);
  const char* names[] = {"an invalid value (attended > invited)", "an unknown form version", "an UPDATE of a record that does not exist", "a CREATE of a record that already exists", "more changes than a change-set may carry"};
  INFO(names[which]);
  switch (which) {
    case 0: {
      changes = {VoterMeetingCreate(kWard, 100, 101)};
      expect = "attended";
      break;
    }
    case 1: {
      changes = {VoterMeetingCreate(kWard, 100, 50)};
      changes[0].set_form_version(99);
      expect = "unknown form";
      break;
    }
    case 2: {
      changes = {Op(changes::Change::UPDATE, changes_util::NewRecordId())};
      auto* set = changes[0].add_sets();
      set->set_field("attended");
      set->mutable_value()->set_integer(5);
      expect = "does not exist";
      break;
    }
    case 3: {
      changes = {VoterMeetingCreate(kWard, 100, 50)};
      changes[0].set_record_id(existing);
      expect = "already exists";
      break;
    }
    case 4: {
      for (int i = 0; i < 4; ++i) changes.push_back(VoterMeetingCreate(kWard, 100, 50));
      expect = "allowed 1..3";
      break;
    }
  }
  const std::string rid = changes[0].record_id();
  const bool placeholder = rid != existing;

  // The bad change-set (seq 3) and a good one behind it (seq 4), in one push.
  SignedChangeSet bad = t.Next(changes[0]);
  {
    changes::ChangeSetBody body = MakeBody(t.dev.device_id(), 3, t.last_hash, changes);
    bad = changes_util::Sign(body, t.dev.key());
  }
  auto good = MakeChain(t.dev.device_id(), t.dev.key(), kWard, 3, changes_util::BodyHash(bad), 1);
  auto out = t.Push({bad, good[0]});
  INFO((out.error ? out.error->message() : ""));
  CHECK_FALSE(out.error.has_value());
  CHECK(out.acked_seq == 4);
  CHECK(t.server.Device(t.dev.device_id()).last_seq() == 4);
  // Every change is logged, applied or not.
  CHECK(t.server.LogHead() == head + changes.size() + 1);

  records::RecordState held;
  for (const auto& r : t.server.Records()) {
    if (r.record_id() == rid) held = r;
  }
  REQUIRE(held.record_id() == rid);
  CHECK(held.placeholder() == placeholder);
  const records::Conflict* c = OpenRejected(held);
  REQUIRE(c != nullptr);
  INFO("reason: " << c->problem());
  CHECK(c->problem().find(expect) != std::string::npos);
  CHECK(c->id() == reconcile::RejectedConflictId(rid, c->candidates(0).stamp().change(), 0));
  CHECK(c->candidates(0).stamp().change().device_id() == t.dev.device_id());
  CHECK(c->candidates(0).stamp().change().seq() == 3);
  CHECK(c->rejected_change().SerializeAsString() == changes[0].SerializeAsString());
  // In the review queue, and for the ward's devices to pull.
  CHECK(t.server.Dump({"conf/"}).count("conf/" + c->id()) == 1);
  // Nothing of it was applied to an existing record.
  if (!placeholder) {
    CHECK(held.fields().at("attended").SerializeAsString() ==
          existing_before.fields().at("attended").SerializeAsString());
  }
  // verify replays the rejection exactly as ingest made it.
  auto verified = t.server.Admin({"verify"});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);
}

TEST_CASE("a change-set with no changes is accepted and changes no record", "[integration][rejected]") {
  Accepted t;
  const uint64_t head = t.server.LogHead();
  SignedChangeSet empty = changes_util::Sign(MakeBody(t.dev.device_id(), 3, t.last_hash, {}), t.dev.key());
  auto out = t.Push({empty});
  INFO((out.error ? out.error->message() : ""));
  CHECK_FALSE(out.error.has_value());
  CHECK(out.acked_seq == 3);
  CHECK(t.server.LogHead() == head);
  CHECK(t.server.Records().size() == 2);
  CHECK(t.server.Admin({"verify"}).exit_code == 0);
}

TEST_CASE("a change whose record id is not 16 bytes is a malformed body: refused", "[integration][rejected]") {
  Accepted t;
  const auto before = t.server.Dump();
  changes::Change c = VoterMeetingCreate(kWard, 100, 50);
  c.set_record_id("short");
  CheckRefused(t.Push({t.Next(c)}), sync::INVALID_CHANGE);
  CHECK(t.server.Dump() == before);
}

// Issue 10, denial of service by content: every client-supplied size has a
// limit, enforced at ingest. A hostile officer device speaking the real
// protocol (RawSession) sends what the client library never makes; each
// attempt is refused (sizes) or rejected (a conflict or record that would
// outgrow its limit) with a clear reason, nothing of it is stored, and the
// ward's other device keeps syncing. A record that cannot be sent never
// fails a pull, and an administrator can quarantine one.
#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>

#include "common/changes/changeset.h"
#include "common/crypto/digest.h"
#include "common/store/proto_io.h"
#include "server/store/server_keys.h"
#include "tests/integration/core/raw_client.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

// An honest device and a hostile one of the same ward; the honest one has
// made and synced one record.
struct Ward {
  ServerFixture server;
  DeviceFixture honest{server, kWard};
  DeviceFixture hostile{server, kWard, "officer", "Kẻ tấn công"};
  std::string record;   // the honest device's record (hex)
  uint64_t seq = 0;     // the hostile device's chain
  std::string hash;

  explicit Ward(ServerFixtureOptions options = {}) : server(options) {
    record = honest.New("voter-meeting", VoterMeeting(Candidate(0), 100, 90));
    honest.SyncOk();
    hostile.SyncOk();
  }

  // Pushes one hand-made change-set continuing the hostile chain.
  PushOutcome Push(changes::ChangeSetBody body) {
    body.set_seq(seq + 1);
    body.set_prev_hash(hash);
    auto signed_cs = changes_util::Sign(body, hostile.key());
    auto cfg = hostile.store().Config();
    REQUIRE(cfg.ok());
    auto session = RawSession::Open(server.port(), cfg->ca_pem(), hostile.device_id(), hostile.key(), seq);
    if (!session.ok()) FAIL("raw session: " << session.status().message());
    auto out = (*session)->Push({signed_cs});
    if (!out.ok()) FAIL("push: " << out.status().message());
    if (out->acked_seq == seq + 1) {
      seq = out->acked_seq;
      hash = changes_util::BodyHash(signed_cs);
    }
    return *out;
  }

  changes::ChangeSetBody Body(const std::vector<changes::Change>& changes) {
    return MakeBody(hostile.device_id(), seq + 1, hash, changes);
  }

  // An UPDATE of the honest record's `invited` naming `base` as what it saw.
  changes::Change UpdateInvited(int64_t value, const changes::ChangeId& base) {
    changes::Change c;
    std::string rid;
    REQUIRE(changes_util::ParseRecordId(record, &rid));
    c.set_record_id(rid);
    c.set_form_id("voter-meeting");
    c.set_form_version(1);
    c.set_ward(kWard);
    c.set_op(changes::Change::UPDATE);
    auto* s = c.add_sets();
    s->set_field("invited");
    s->mutable_value()->set_integer(value);
    *s->mutable_base() = base;
    return c;
  }

  records::RecordState Stored() {
    std::string rid;
    REQUIRE(changes_util::ParseRecordId(record, &rid));
    records::RecordState r;
    REQUIRE(GetProto(server.store(), server::keys::Record(rid), &r).ok());
    return r;
  }
};

}  // namespace

TEST_CASE("an oversized officer name or value is refused with a clear message; the ward keeps syncing",
          "[integration][security][limits]") {
  Ward w;
  const auto before = w.server.Dump();
  struct Case {
    const char* name;
    std::function<void(changes::ChangeSetBody&)> make;
    const char* expect;
  };
  const int which = GENERATE(0, 1, 2, 3);
  const Case cases[] = {
      {"officer name of 300 bytes", [](auto& b) { b.set_officer(std::string(300, 'x')); }, "officer name of 300 bytes"},
      {"officer name of 1.5 MiB (the attack of issue 10)",
       [](auto& b) { b.set_officer(std::string(1536u << 10, 'x')); }, "exceeds the limit"},
      {"a text value of 70,000 bytes",
       [](auto& b) { b.mutable_changes(0)->mutable_sets(0)->mutable_value()->set_text(std::string(70'000, 'y')); },
       "value of field \"candidate\" of 70000 bytes"},
      {"a change setting 2,000 fields",
       [](auto& b) {
         for (int i = 0; i < 2000; ++i) b.mutable_changes(0)->add_sets()->set_field("f" + std::to_string(i));
       },
       "fields, over the limit of 1024"},
  };
  INFO(cases[which].name);
  auto body = w.Body({VoterMeetingCreate(kWard, 100, 50)});
  cases[which].make(body);
  const PushOutcome out = w.Push(body);
  REQUIRE(out.error.has_value());
  CHECK(out.error->code() == sync::LIMIT_EXCEEDED);
  CHECK_THAT(out.error->message(), Catch::Contains(cases[which].expect));
  CHECK(out.acked_seq == 0);
  CHECK(w.server.Dump() == before);  // nothing stored

  // The ward's other device syncs on, and its next record reaches the server.
  w.honest.New("voter-meeting", VoterMeeting(Candidate(1), 50, 40));
  const auto report = w.honest.SyncOk();
  CHECK(report.progress.pushed == 1);
  CHECK(w.server.Records().size() == 2);
}

TEST_CASE("a field at the candidates limit rejects the next competing value; the record stays within its size",
          "[integration][security][limits]") {
  ServerFixtureOptions options;
  options.limits.max_candidates_per_field = 4;
  Ward w(options);
  const records::RecordState created = w.Stored();
  const changes::ChangeId original = created.fields().at("invited").stamp().change();
  // Five edits that each saw only the original value: the first replaces it,
  // the next ones compete (2, 3, 4 candidates); the fifth would be the 5th.
  for (int i = 0; i < 5; ++i) {
    const PushOutcome out = w.Push(w.Body({w.UpdateInvited(200 + i, original)}));
    INFO("edit " << i << ": " << (out.error ? out.error->message() : "ok"));
    REQUIRE_FALSE(out.error.has_value());  // accepted into the chain either way
  }
  const records::RecordState r = w.Stored();
  const records::Conflict* values = nullptr;
  const records::Conflict* rejected = nullptr;
  for (const auto& c : r.conflicts()) {
    if (c.open() && c.kind() == records::VALUES) values = &c;
    if (c.open() && c.kind() == records::REJECTED) rejected = &c;
  }
  REQUIRE(values != nullptr);
  CHECK(values->candidates_size() == 4);
  REQUIRE(rejected != nullptr);
  CHECK_THAT(rejected->problem(), Catch::Contains("already holds 4 competing values"));
  // The honest device still pulls the record with its conflict.
  w.honest.SyncOk();
  auto local = w.honest.Local(w.record);
  REQUIRE(local.has_value());
  CHECK(local->conflicts_size() == r.conflicts_size());
  CHECK(w.server.Admin({"verify"}).exit_code == 0);
}

TEST_CASE("a record never grows past the record limit: rejections that would not fit are only logged",
          "[integration][security][limits]") {
  ServerFixtureOptions options;
  options.limits.max_record_bytes = 64u << 10;
  Ward w(options);
  // Values over the form's maxLength: each change is rejected and would be
  // kept on the record with its 40 KB value, which fits once, not twice.
  for (int i = 0; i < 3; ++i) {
    changes::Change c = w.UpdateInvited(0, {});
    c.mutable_sets(0)->set_field("candidate");
    c.mutable_sets(0)->mutable_value()->set_text(std::string(40'000, 'a' + i));
    const PushOutcome out = w.Push(w.Body({c}));
    REQUIRE_FALSE(out.error.has_value());
  }
  const records::RecordState r = w.Stored();
  CHECK(r.ByteSizeLong() <= (64u << 10));
  int rejected = 0;
  for (const auto& c : r.conflicts()) rejected += c.kind() == records::REJECTED;
  CHECK(rejected == 1);
  // The log says what happened to the others, history shows it, verify replays it.
  auto history = w.server.Admin({"history", w.record});
  CHECK(history.exit_code == 0);
  CHECK_THAT(history.out, Catch::Contains("not kept on the record"));
  CHECK(w.server.Admin({"verify"}).exit_code == 0);
  w.honest.SyncOk();
}

TEST_CASE("pull skips a record too large to send and a quarantined one, and the sync succeeds",
          "[integration][security][limits][quarantine]") {
  Ward w;
  const std::string small = w.honest.New("voter-meeting", VoterMeeting(Candidate(2), 10, 5));
  w.honest.SyncOk();
  // A record stored before the size limit existed: 9 MiB, over the 8 MiB frame.
  std::string rid;
  REQUIRE(changes_util::ParseRecordId(w.record, &rid));
  records::RecordState huge = w.Stored();
  huge.mutable_created()->set_officer(std::string(9u << 20, 'x'));
  WriteBatch batch;
  PutProto(batch, server::keys::Record(rid), huge);
  REQUIRE(w.server.WriteAsCommitter(batch).ok());

  DeviceFixture fresh(w.server, kWard);  // pulls the ward from the start
  CHECK_FALSE(fresh.Local(w.record).has_value());
  CHECK(fresh.Local(small).has_value());

  // Quarantine the small one: a new device is not sent it, records marks it,
  // a change to it is rejected without touching it, and release undoes it.
  auto q = w.server.Admin({"quarantine", small, "--reason", "kiểm tra"});
  INFO(q.out << q.err);
  REQUIRE(q.exit_code == 0);
  CHECK_THAT(w.server.Admin({"records"}).out, Catch::Contains("QUARANTINED"));
  CHECK_THAT(w.server.Admin({"quarantine", "--list"}).out, Catch::Contains(small));
  DeviceFixture later(w.server, kWard);
  CHECK_FALSE(later.Local(small).has_value());
  std::string small_rid;
  REQUIRE(changes_util::ParseRecordId(small, &small_rid));
  records::RecordState held;
  REQUIRE(GetProto(w.server.store(), server::keys::Record(small_rid), &held).ok());
  changes::Change edit = w.UpdateInvited(11, held.fields().at("invited").stamp().change());
  edit.set_record_id(small_rid);
  REQUIRE_FALSE(w.Push(w.Body({edit})).error.has_value());
  records::RecordState after;
  REQUIRE(GetProto(w.server.store(), server::keys::Record(small_rid), &after).ok());
  CHECK(google::protobuf::util::MessageDifferencer::Equals(after, held));  // untouched
  CHECK_THAT(w.server.Admin({"history", small}).out, Catch::Contains("quarantined"));

  REQUIRE(w.server.Admin({"quarantine", small, "--release", "--reason", "xong"}).exit_code == 0);
  CHECK(w.server.Admin({"quarantine", "--list"}).out == "no record is quarantined\n");
  CHECK(w.server.Admin({"verify", "--no-replay"}).exit_code == 0);
}

// Ward scope and roles are enforced by the server on hand-made
// change-sets signed with the device's own valid key (bypassing every check
// of the client library): refused with the reason, logged, nothing stored.
#include <catch2/catch.hpp>

#include "common/changes/changeset.h"
#include "common/clock/hlc.h"
#include "tests/integration/core/raw_client.h"
#include "tests/integration/security/hostile_conn.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;
using changes::SignedChangeSet;

namespace {

const std::string kWard = "phuong-hoang-van-thu";
const std::string kOtherWard = "phuong-dong-quang";

// Pushes `cs` (the device's next change-set) over a raw connection.
PushOutcome PushRaw(ServerFixture& server, DeviceFixture& dev, const SignedChangeSet& cs) {
  auto cfg = dev.store().Config();
  REQUIRE(cfg.ok());
  auto s = RawSession::Open(server.port(), cfg->ca_pem(), dev.device_id(), dev.key(), dev.State().acked_seq());
  if (!s.ok()) FAIL("raw session: " << s.status().message());
  REQUIRE((*s)->reply().has_hello_reply());
  auto r = (*s)->Push({cs});
  if (!r.ok()) FAIL("push: " << r.status().message());
  return *r;
}

// The device's next change-set (after what the server holds) with `change`.
SignedChangeSet NextOf(ServerFixture& server, DeviceFixture& dev, const changes::Change& change,
                       uint64_t hlc_ms = 0) {
  const auto d = server.Device(dev.device_id());
  auto body = MakeBody(dev.device_id(), d.last_seq() + 1, d.last_hash(), {change});
  if (hlc_ms) body.set_hlc(HybridLogicalClock::Make(hlc_ms, 0));
  return changes_util::Sign(body, dev.key());
}

changes::Change Edit(const std::string& record_hex, const std::string& ward, changes::Change::Op op, int attended) {
  changes::Change c;
  std::string raw;
  REQUIRE(changes_util::ParseRecordId(record_hex, &raw));
  c.set_record_id(raw);
  c.set_form_id("voter-meeting");
  c.set_form_version(1);
  c.set_ward(ward);
  c.set_op(op);
  if (op == changes::Change::UPDATE) {
    auto* set = c.add_sets();
    set->set_field("attended");
    set->mutable_value()->set_integer(attended);
  }
  return c;
}

void CheckRefusedAndLogged(ServerFixture& server, DeviceFixture& dev, const SignedChangeSet& cs,
                           sync::ErrorCode code, const std::string& reason_part) {
  const auto before = server.Dump();
  PushOutcome out;
  const std::string log = CaptureStderr([&] { out = PushRaw(server, dev, cs); });
  REQUIRE(out.error.has_value());
  INFO("server said: " << out.error->message());
  CHECK(out.error->code() == code);
  CHECK(out.error->message().find(reason_part) != std::string::npos);
  CHECK(server.Dump() == before);
  CHECK(log.find("refused change-set") != std::string::npos);
  CHECK(log.find(dev.device_id()) != std::string::npos);
}

}  // namespace

TEST_CASE("an officer cannot write another ward, a reviewer cannot write at all", "[integration][security]") {
  ServerFixture server;
  DeviceFixture officer(server, kWard);
  DeviceFixture other(server, kOtherWard, "officer", "Bùi Văn Khoa");
  const std::string theirs = other.New("voter-meeting", VoterMeeting(Candidate(0), 40, 30));
  other.SyncOk();

  SECTION("create in another ward") {
    CheckRefusedAndLogged(server, officer, NextOf(server, officer, VoterMeetingCreate(kOtherWard, 100, 50)),
                          sync::FORBIDDEN, kOtherWard);
  }
  SECTION("edit another ward's record") {
    CheckRefusedAndLogged(server, officer,
                          NextOf(server, officer, Edit(theirs, kOtherWard, changes::Change::UPDATE, 1)),
                          sync::FORBIDDEN, "may not");
  }
  SECTION("delete another ward's record, claiming its own ward") {
    CheckRefusedAndLogged(server, officer, NextOf(server, officer, Edit(theirs, kWard, changes::Change::DELETE, 0)),
                          sync::FORBIDDEN, "may not");
  }
  SECTION("a reviewer creates a record") {
    DeviceFixture reviewer(server, kWard, "reviewer", "Giám sát viên");
    CheckRefusedAndLogged(server, reviewer, NextOf(server, reviewer, VoterMeetingCreate(kWard, 100, 50)),
                          sync::FORBIDDEN, "reviewer");
  }
  // Their record is untouched.
  bool found = false;
  for (const auto& r : server.Records()) {
    if (r.ward() == kOtherWard) {
      found = true;
      CHECK_FALSE(r.deleted());
      CHECK(r.fields().at("attended").value().integer() == 30);
    }
  }
  CHECK(found);
}

TEST_CASE("an officer cannot pull another ward's records, whatever it asks", "[integration][security]") {
  ServerFixture server;
  DeviceFixture officer(server, kWard);
  DeviceFixture other(server, kOtherWard, "officer", "Bùi Văn Khoa");
  other.New("voter-meeting", VoterMeeting(Candidate(0), 40, 30));
  other.SyncOk();
  officer.New("voter-meeting", VoterMeeting(Candidate(1), 40, 30));
  officer.SyncOk();

  auto cfg = officer.store().Config();
  REQUIRE(cfg.ok());
  auto c = HostileConn::Tls(server.port(), {cfg->ca_pem()});
  REQUIRE(c.ok());
  REQUIRE((*c)->SendHello(officer.device_id(), officer.key()).ok());
  REQUIRE((*c)->Read().ok());
  size_t mine = 0;
  for (uint64_t cursor : {0ull, 1ull}) {
    sync::Frame pull;
    pull.mutable_pull_request()->set_cursor(cursor);
    pull.mutable_pull_request()->set_max_records(1000);
    REQUIRE((*c)->SendFrame(pull).ok());
    auto r = (*c)->Read();
    REQUIRE(r.ok());
    REQUIRE(r->has_pull_batch());
    for (const auto& rec : r->pull_batch().records()) {
      CHECK(rec.ward() == kWard);
      ++mine;
    }
  }
  CHECK(mine >= 1);
}

// A device whose clock runs ahead is no longer refused: its stamps are
// clamped (tests/integration/core/clock_skew_test.cc).


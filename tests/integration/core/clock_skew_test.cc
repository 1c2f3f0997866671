// Clock skew never blocks a device (DESIGN.md "Never strand an honest
// device"): a change-set stamped far ahead of the server's clock is
// accepted with its stamp clamped to receive time + the allowed skew, so an
// honest edit made after that bound wins over it; the device is flagged in
// `devices`; verify replays the clamped stamp. The server's clock is a
// ManualClock, the change-sets hand-made with chosen stamps.
#include <catch2/catch.hpp>

#include "common/changes/changeset.h"
#include "common/clock/hlc.h"
#include "tests/integration/core/raw_client.h"
#include "tests/support/device_fixture.h"
#include "tests/support/json.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";
constexpr uint64_t kMinute = 60 * 1000;

uint64_t RealNowMs() { return SystemClock().NowMs(); }

// Pushes the device's next change-set (after what the server holds), made of
// `change` and stamped at `hlc_ms`, over a raw connection.
PushOutcome PushStamped(ServerFixture& server, DeviceFixture& dev, const changes::Change& change, uint64_t hlc_ms) {
  const auto d = server.Device(dev.device_id());
  auto body = MakeBody(dev.device_id(), d.last_seq() + 1, d.last_hash(), {change});
  body.set_hlc(HybridLogicalClock::Make(hlc_ms, 7));
  auto cfg = dev.store().Config();
  REQUIRE(cfg.ok());
  auto s = RawSession::Open(server.port(), cfg->ca_pem(), dev.device_id(), dev.key(), dev.State().acked_seq());
  if (!s.ok()) FAIL("raw session: " << s.status().message());
  REQUIRE((*s)->reply().has_hello_reply());
  auto r = (*s)->Push({changes_util::Sign(body, dev.key())});
  if (!r.ok()) FAIL("push: " << r.status().message());
  return *r;
}

// attended := value, by an editor who saw the record as created (base: the create).
changes::Change SetAttended(const records::RecordState& created, int value) {
  changes::Change c;
  c.set_record_id(created.record_id());
  c.set_form_id(created.form_id());
  c.set_form_version(created.form_version());
  c.set_ward(created.ward());
  c.set_op(changes::Change::UPDATE);
  auto* set = c.add_sets();
  set->set_field("attended");
  set->mutable_value()->set_integer(value);
  *set->mutable_base() = created.fields().at("attended").stamp().change();
  return c;
}

records::RecordState OnServer(ServerFixture& server, const std::string& rec) {
  for (const auto& r : server.Records()) {
    if (changes_util::RecordIdText(r.record_id()) == rec) return r;
  }
  FAIL("record " << rec << " is not on the server");
  return {};
}

}  // namespace

TEST_CASE("a stamp beyond the allowed skew is clamped, not refused, and loses to a later honest edit",
          "[integration][clock]") {
  const uint64_t t0 = RealNowMs();
  ManualClock server_clock(t0);
  ServerFixtureOptions opt;
  opt.clock = &server_clock;
  opt.limits.max_clock_skew_ms = 2 * kMinute;  // not the default: verify below runs with the default
  ServerFixture server(opt);
  DeviceFixture honest(server, kWard);
  DeviceFixture fast(server, kWard, "officer", "Đồng hồ nhanh");
  const std::string later = honest.New("voter-meeting", VoterMeeting(Candidate(0), 100, 50));
  const std::string sooner = honest.New("voter-meeting", VoterMeeting(Candidate(0), 100, 40));
  honest.SyncOk();
  const auto later_created = OnServer(server, later);
  const auto sooner_created = OnServer(server, sooner);

  // The fast device, 2 hours ahead, edits both records: accepted.
  const uint64_t two_hours_ahead = t0 + 120 * kMinute;
  for (const auto* created : {&later_created, &sooner_created}) {
    auto out = PushStamped(server, fast, SetAttended(*created, 99), two_hours_ahead);
    INFO((out.error ? out.error->message() : ""));
    REQUIRE_FALSE(out.error.has_value());
  }
  CHECK(server.Device(fast.device_id()).last_seq() == 2);
  auto clamped = OnServer(server, later).fields().at("attended");
  CHECK(clamped.value().integer() == 99);
  CHECK(HybridLogicalClock::PhysicalMs(clamped.stamp().hlc()) == t0 + 2 * kMinute);
  CHECK(HybridLogicalClock::Logical(clamped.stamp().hlc()) == 7);
  CHECK(clamped.stamp().device_hlc() == HybridLogicalClock::Make(two_hours_ahead, 7));
  CHECK(clamped.stamp().received_ms() == t0);

  // The device is flagged with how far ahead its stamps were.
  const auto dev = server.Device(fast.device_id());
  CHECK(dev.max_clock_skew_ms() == static_cast<int64_t>(120 * kMinute));
  CHECK(dev.skew_seen_ms() == t0);
  auto devices = server.Admin({"devices", "--json"});
  REQUIRE(devices.exit_code == 0);
  bool flagged = false;
  const auto listed = ParseJson(devices.out);
  for (const auto& d : Items(listed)) {
    if (Str(At(d, "id")) != fast.device_id()) {
      CHECK(IsNull(At(d, "stamp_clamped")));
      continue;
    }
    flagged = true;
    CHECK(Num(At(At(d, "stamp_clamped"), "ahead_s")) == 7200);
    CHECK(Num(At(d, "max_clock_skew_s")) == 120);
  }
  CHECK(flagged);

  // Three minutes later (past the clamp) an honest officer who had not seen
  // the fast edit sets the field: a conflict, and the honest value is the
  // provisional one. Without the clamp the fast stamp would win for 2 hours.
  server_clock.Set(t0 + 3 * kMinute);
  REQUIRE_FALSE(PushStamped(server, honest, SetAttended(later_created, 60), t0 + 3 * kMinute).error.has_value());
  // One minute later (before the clamp) the fast edit still wins: the
  // bound is exactly receive time + the allowed skew.
  server_clock.Set(t0 + 1 * kMinute);
  REQUIRE_FALSE(PushStamped(server, honest, SetAttended(sooner_created, 41), t0 + 1 * kMinute).error.has_value());

  const auto later_now = OnServer(server, later);
  CHECK(later_now.fields().at("attended").value().integer() == 60);
  REQUIRE(later_now.conflicts_size() == 1);
  CHECK(later_now.conflicts(0).open());
  CHECK(later_now.conflicts(0).candidates_size() == 2);
  const auto sooner_now = OnServer(server, sooner);
  CHECK(sooner_now.fields().at("attended").value().integer() == 99);
  CHECK(sooner_now.conflicts_size() == 1);

  // verify replays the log with the stamps ingest used: also when the store
  // is opened without the server, with the default skew of 5 minutes (a
  // replay that clamped again would rebuild other records).
  auto verified = server.Admin({"verify"});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);
  server.Stop();
  auto verified_stopped = server.Admin({"verify"});
  INFO(verified_stopped.out << verified_stopped.err);
  CHECK(verified_stopped.exit_code == 0);
}

namespace {

ServerFixtureOptions WithClock(ManualClock* clock) {
  ServerFixtureOptions opt;
  opt.clock = clock;  // default skew: 5 minutes
  return opt;
}

// A server on a manual clock, and one officer's record created and pushed.
struct SyncedRecord {
  SyncedRecord() : clock(t0), server(WithClock(&clock)), dev(server, kWard) {
    rec = dev.New("voter-meeting", VoterMeeting(Candidate(0), 100, 50));
    dev.SyncOk();
    created = OnServer(server, rec);
  }
  const uint64_t t0 = RealNowMs();
  ManualClock clock;
  ServerFixture server;
  DeviceFixture dev;
  std::string rec;
  records::RecordState created;
};

}  // namespace

TEST_CASE("a stamp within the allowed skew, or behind the server, is kept as signed", "[integration][clock]") {
  SyncedRecord one;
  auto& [t0, clock, server, dev, rec, created] = one;
  REQUIRE_FALSE(PushStamped(server, dev, SetAttended(created, 51), t0 + 4 * kMinute).error.has_value());
  auto fs = OnServer(server, rec).fields().at("attended");
  CHECK(fs.stamp().hlc() == HybridLogicalClock::Make(t0 + 4 * kMinute, 7));
  CHECK(fs.stamp().device_hlc() == 0);
  CHECK(server.Device(dev.device_id()).skew_seen_ms() == 0);
}

// Ingest notes a clamped stamp on the device only once its change-set is
// accepted: a refused one (here FORBIDDEN, after an accepted one in the same
// push) leaves the device row as the accepted one left it.
TEST_CASE("a refused change-set stamped far ahead does not flag its device", "[integration][clock]") {
  SyncedRecord one;
  auto& [t0, clock, server, dev, rec, created] = one;
  const auto before = server.Device(dev.device_id());

  auto first = MakeBody(dev.device_id(), before.last_seq() + 1, before.last_hash(), {SetAttended(created, 51)});
  first.set_hlc(HybridLogicalClock::Make(t0, 7));
  const auto signed_first = changes_util::Sign(first, dev.key());
  changes::Change elsewhere = SetAttended(created, 52);
  elsewhere.set_ward("another-ward");  // not the officer's ward: refused
  auto second = MakeBody(dev.device_id(), before.last_seq() + 2, changes_util::BodyHash(signed_first), {elsewhere});
  second.set_hlc(HybridLogicalClock::Make(t0 + 120 * kMinute, 7));  // far ahead: would be clamped
  auto cfg = dev.store().Config();
  REQUIRE(cfg.ok());
  auto s = RawSession::Open(server.port(), cfg->ca_pem(), dev.device_id(), dev.key(), dev.State().acked_seq());
  REQUIRE(s.ok());
  auto out = (*s)->Push({signed_first, changes_util::Sign(second, dev.key())});
  REQUIRE(out.ok());
  REQUIRE(out->error.has_value());
  CHECK(out->error->code() == sync::FORBIDDEN);
  CHECK(out->acked_seq == before.last_seq() + 1);

  const auto after = server.Device(dev.device_id());
  CHECK(after.last_seq() == before.last_seq() + 1);
  CHECK(after.last_hash() == changes_util::BodyHash(signed_first));
  CHECK(after.max_clock_skew_ms() == 0);
  CHECK(after.skew_seen_ms() == 0);
  CHECK(OnServer(server, rec).fields().at("attended").value().integer() == 51);
}

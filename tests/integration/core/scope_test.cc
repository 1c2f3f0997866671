// Who sees what: a second device of the same ward pulls a record; a device of
// another ward never receives it; a reviewer sees every ward.
#include <catch2/catch.hpp>

#include <set>

#include "common/changes/changeset.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWardA = "phuong-hoang-van-thu";
const std::string kWardB = "phuong-trung-vuong";

std::set<std::string> Wards(const std::vector<records::RecordState>& records) {
  std::set<std::string> out;
  for (const auto& r : records) out.insert(r.ward());
  return out;
}

std::set<std::string> Ids(const std::vector<records::RecordState>& records) {
  std::set<std::string> out;
  for (const auto& r : records) out.insert(changes_util::RecordIdText(r.record_id()));
  return out;
}

}  // namespace

TEST_CASE("records reach the devices of their ward and the reviewers, nobody else", "[integration]") {
  ServerFixture server;
  DeviceFixture a1(server, kWardA);
  DeviceFixture a2(server, kWardA, "officer", "Hoàng Văn Em");
  DeviceFixture b1(server, kWardB, "officer", "Đỗ Thị Giang");
  DeviceFixture reviewer(server, kWardA, "reviewer", "Vũ Minh Hải");

  const std::string rec_a = a1.New("voter-meeting", VoterMeeting(Candidate(0), 200, 150));
  a1.SyncOk();
  const std::string rec_b = b1.New("voter-meeting", VoterMeeting(Candidate(1), 80, 70));
  b1.SyncOk();

  SECTION("a second device of the same ward pulls the record") {
    auto report = a2.SyncOk();
    CHECK(report.progress.pulled == 1);
    auto r = a2.Local(rec_a);
    REQUIRE(r.has_value());
    CHECK(r->ward() == kWardA);
    CHECK(r->fields().at("candidate").value().choice() == Candidate(0));
    CHECK(r->fields().at("attended").value().integer() == 150);
    CHECK(Ids(a2.LocalRecords()) == std::set<std::string>{rec_a});
  }

  SECTION("a device of another ward does not see it") {
    b1.SyncOk();
    CHECK_FALSE(b1.Local(rec_a).has_value());
    auto mine = b1.LocalRecords();
    CHECK(Wards(mine) == std::set<std::string>{kWardB});
    CHECK(Ids(mine) == std::set<std::string>{rec_b});
    // And the first ward does not see the second's.
    a1.SyncOk();
    CHECK_FALSE(a1.Local(rec_b).has_value());
    CHECK(Wards(a1.LocalRecords()) == std::set<std::string>{kWardA});
  }

  SECTION("a reviewer sees every ward") {
    reviewer.SyncOk();
    auto all = reviewer.LocalRecords();
    CHECK(Ids(all) == std::set<std::string>{rec_a, rec_b});
    CHECK(Wards(all) == std::set<std::string>{kWardA, kWardB});
  }

  SECTION("an edit travels to the other device of the ward") {
    a2.SyncOk();
    REQUIRE(a2.capture().Edit(rec_a, {{"agree", "100"}, {"disagree", "20"}}).ok());
    a2.SyncOk();
    a1.SyncOk();
    auto r = a1.Local(rec_a);
    REQUIRE(r.has_value());
    CHECK(r->fields().at("agree").value().integer() == 100);
    CHECK(r->fields().at("attended").value().integer() == 150);
  }
}

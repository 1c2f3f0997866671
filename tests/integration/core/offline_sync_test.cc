// Capture with the server down, sync once it is back; a server restarted
// between a push and a pull loses nothing. Real server in this process, real
// TLS on 127.0.0.1, real LevelDB in temp dirs, the client library.
#include <catch2/catch.hpp>

#include "common/changes/changeset.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

int64_t IntField(const records::RecordState& r, const std::string& name) {
  auto it = r.fields().find(name);
  REQUIRE(it != r.fields().end());
  return it->second.value().integer();
}

}  // namespace

TEST_CASE("a record captured offline reaches the server after it restarts", "[integration]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  server.Stop();

  const std::string id = dev.New("voter-meeting", VoterMeeting(Candidate(0), 120, 95));
  REQUIRE(dev.Pending() == 1);
  REQUIRE(dev.Local(id).has_value());

  // The server is down: the round fails, the change-set stays pending.
  auto down = dev.Sync();
  REQUIRE_FALSE(down.ok());
  CHECK(dev.Pending() == 1);
  CHECK(dev.State().acked_seq() == 0);

  server.Start();
  auto report = dev.SyncOk();
  CHECK(report.progress.pushed == 1);
  CHECK(dev.Pending() == 0);
  CHECK(dev.State().acked_seq() == 1);
  // The pull cursor moved past the record the device itself sent.
  CHECK(dev.State().pull_cursor() == server.LogHead());
  CHECK(server.LogHead() >= 1);

  auto records = server.Records();
  REQUIRE(records.size() == 1);
  CHECK(changes_util::RecordIdText(records[0].record_id()) == id);
  CHECK(records[0].ward() == kWard);
  CHECK(IntField(records[0], "invited") == 120);
  CHECK(IntField(records[0], "attended") == 95);
  CHECK(server.Device(dev.device_id()).last_seq() == 1);

  // The device's view is now the server's: pulled, nothing pending on top.
  std::string raw;
  REQUIRE(changes_util::ParseRecordId(id, &raw));
  auto server_view = dev.store().ServerRecord(raw);
  REQUIRE(server_view.ok());
  REQUIRE(server_view->has_value());
  CHECK(IntField(**server_view, "attended") == 95);

  // A second round has nothing to do and sends nothing twice.
  auto again = dev.SyncOk();
  CHECK(again.progress.pushed == 0);
  CHECK(server.Records().size() == 1);
}

TEST_CASE("several offline edits are pushed in order, as one chain", "[integration]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  server.Stop();
  const std::string a = dev.New("voter-meeting", VoterMeeting(Candidate(1), 50, 40));
  const std::string b = dev.New("voter-meeting", VoterMeeting(Candidate(2), 60, 30));
  REQUIRE(dev.capture().Edit(a, {{"attended", "45"}}).ok());
  REQUIRE(dev.capture().Delete(b).ok());
  REQUIRE(dev.Pending() == 4);

  server.Start();
  auto report = dev.SyncOk();
  CHECK(report.progress.pushed == 4);
  CHECK(server.Device(dev.device_id()).last_seq() == 4);
  auto records = server.Records();
  REQUIRE(records.size() == 2);
  for (const auto& r : records) {
    if (changes_util::RecordIdText(r.record_id()) == a) {
      CHECK_FALSE(r.deleted());
      CHECK(IntField(r, "attended") == 45);
    } else {
      CHECK(changes_util::RecordIdText(r.record_id()) == b);
      CHECK(r.deleted());
    }
  }
}

TEST_CASE("a server restarted between push and pull loses nothing", "[integration]") {
  ServerFixture server;
  DeviceFixture writer(server, kWard);
  DeviceFixture reader(server, kWard, "officer", "Phạm Thị Dung");

  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(writer.New("voter-meeting", VoterMeeting(Candidate(i), 100 + i, 50 + i)));
  writer.SyncOk();
  // Acknowledged means durable: stop at once, nothing may be missing after.
  const auto before = server.Dump();
  const uint64_t head = server.LogHead();
  server.Restart();
  CHECK(server.Dump() == before);
  CHECK(server.LogHead() == head);

  // Another device of the ward pulls everything after the restart.
  reader.SyncOk();
  for (size_t i = 0; i < ids.size(); ++i) {
    auto r = reader.Local(ids[i]);
    REQUIRE(r.has_value());
    CHECK(IntField(*r, "invited") == 100 + static_cast<int64_t>(i));
  }
  CHECK(reader.State().pull_cursor() == head);

  // The writer's next round finds its chain held: nothing is sent again.
  auto again = writer.SyncOk();
  CHECK(again.progress.pushed == 0);
  CHECK(server.LogHead() == head);
  CHECK(server.Device(writer.device_id()).last_seq() == 3);
}

TEST_CASE("a device reopened after capture (a new process) still holds and sends its records", "[integration]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  const std::string id = dev.New("voter-meeting", VoterMeeting());
  dev.Reopen();
  REQUIRE(dev.Local(id).has_value());
  REQUIRE(dev.Pending() == 1);
  dev.SyncOk();
  REQUIRE(server.Records().size() == 1);
}

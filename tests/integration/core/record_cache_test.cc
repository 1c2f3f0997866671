// The server's record cache (`run --record-cache-mb`, common/store/
// value_cache_store.h) turned on: what a device pulls is still exactly the
// store's latest state, through edits and a restart (which empties it).
#include <catch2/catch.hpp>

#include "common/changes/changeset.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

int64_t PulledAttended(DeviceFixture& dev, const std::string& id) {
  std::string raw;
  REQUIRE(changes_util::ParseRecordId(id, &raw));
  auto view = dev.store().ServerRecord(raw);
  REQUIRE(view.ok());
  REQUIRE(view->has_value());
  auto it = (*view)->fields().find("attended");
  REQUIRE(it != (*view)->fields().end());
  return it->second.value().integer();
}

}  // namespace

TEST_CASE("with the record cache on, another device of the ward pulls every edit", "[integration][cache]") {
  ServerFixture server;
  server.options().record_cache_bytes = 1 << 20;
  server.Restart();
  DeviceFixture a(server, kWard);
  DeviceFixture b(server, kWard);
  const std::string id = a.New("voter-meeting", VoterMeeting(Candidate(0), 120, 95));
  a.SyncOk();
  b.SyncOk();
  CHECK(PulledAttended(b, id) == 95);
  // An edit after the record was cached (and pulled from the cache): the
  // next pull carries the new value, not the cached old one.
  REQUIRE(a.capture().Edit(id, {{"attended", "97"}}).ok());
  a.SyncOk();
  b.SyncOk();
  CHECK(PulledAttended(b, id) == 97);
  // A restart starts with an empty cache: a fresh device pulls from disk.
  server.Restart();
  DeviceFixture c(server, kWard);
  c.SyncOk();
  CHECK(PulledAttended(c, id) == 97);
}

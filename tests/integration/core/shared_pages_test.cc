// Shared pull pages end to end (server/pull/shared_pages.h): devices of one
// ward pulling a long log get pages compressed once for all of them (the
// records in one pull_batch occurrence, each device's cursor in a second),
// and the real client ends with exactly the server's records and cursor.
// Real server in this process, real TLS on 127.0.0.1, real LevelDB.
#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>
#include <map>

#include "server/pull/page_cuts.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

}  // namespace

TEST_CASE("devices of a ward pulling a long log share compressed pages and converge", "[integration][zstd][shared]") {
  ServerFixture server;
  DeviceFixture writer(server, kWard);
  std::vector<std::unique_ptr<DeviceFixture>> readers;
  for (int i = 0; i < 3; ++i) readers.push_back(std::make_unique<DeviceFixture>(server, kWard));
  // ~3 x kCutMinEntries ward log entries: pulls from the start are cut.
  const int records = 3 * static_cast<int>(server::kCutMinEntries);
  for (int i = 0; i < records; ++i) writer.New("voter-meeting", VoterMeeting(Candidate(0), 100 + i, 50 + i));
  writer.SyncOk();
  const auto truth = server.Records();
  REQUIRE(truth.size() == static_cast<size_t>(records));

  client::SyncOptions small_pages;
  small_pages.compression = true;
  small_pages.pull_batch = 100;  // several pages whether cut or not
  auto& pages = server.runtime().sync_server().shared_pages();
  server::SharedPullPages::Stats before{}, after_first{};
  for (auto& d : readers) {
    if (d == readers.front()) before = pages.stats();
    auto r = d->Sync(small_pages);
    if (d == readers.front()) after_first = pages.stats();
    REQUIRE(r.ok());
    CHECK(r->zstd);
    CHECK(r->progress.pulled == static_cast<uint64_t>(records));
    CHECK(d->State().pull_cursor() == server.LogHead());
    std::map<std::string, records::RecordState> held;
    for (const auto& local : d->LocalRecords()) {
      auto v = d->store().ServerRecord(local.record_id());
      REQUIRE(v.ok());
      REQUIRE(v->has_value());
      held[local.record_id()] = **v;
    }
    REQUIRE(held.size() == truth.size());
    for (const auto& r2 : truth) {
      auto it = held.find(r2.record_id());
      REQUIRE(it != held.end());
      CHECK(google::protobuf::util::MessageDifferencer::Equals(it->second, r2));
    }
  }
  // The second and third readers took every page the first one cached,
  // and cached nothing more.
  const auto stats = pages.stats();
  const uint64_t cached = after_first.fills - before.fills;
  INFO("cached by the first reader " << cached << "; after all: fills " << stats.fills << " hits " << stats.hits
                                     << " misses " << stats.misses << " stale " << stats.stale);
  CHECK(cached > 0);
  CHECK(stats.fills == after_first.fills);
  CHECK(stats.hits - after_first.hits == 2 * cached);
  CHECK(stats.stale == 0);
}

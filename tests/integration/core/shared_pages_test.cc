// Shared pull pages end to end (server/pull/shared_pages.h): devices of one
// ward pulling a long log get pages spliced from pieces compressed once for
// all of them (each piece and each device's own part a pull_batch
// occurrence, the device's cursor in the last), and the real client ends
// with exactly the server's records and cursor.
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
  server::SharedPullPages::Stats after_first{}, after_second{};
  for (auto& d : readers) {
    auto r = d->Sync(small_pages);
    if (d == readers[0]) after_first = pages.stats();
    if (d == readers[1]) after_second = pages.stats();
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
  // The pieces of the log, and pages spliced from them (the cache is far
  // from full here), were kept by the first pulls (the writer's own sync
  // pulls the log too; shared_pages.h); the second and third readers took
  // them, the same ones each, and kept nothing more.
  const auto stats = pages.stats();
  INFO("kept by the writer and the first reader: " << after_first.piece_fills << " pieces, " << after_first.fills
                                                    << " pages; after all: piece fills " << stats.piece_fills
                                                    << " piece hits " << stats.piece_hits << " page fills "
                                                    << stats.fills << " page hits " << stats.hits << " misses "
                                                    << stats.misses << " stale " << stats.stale);
  CHECK(after_first.piece_fills > 0);
  CHECK(stats.piece_fills == after_first.piece_fills);
  CHECK(stats.fills == after_first.fills);
  const uint64_t second = after_second.piece_hits + after_second.hits - after_first.piece_hits - after_first.hits;
  const uint64_t third = stats.piece_hits + stats.hits - after_second.piece_hits - after_second.hits;
  CHECK(second > 0);
  CHECK(third == second);
  CHECK(stats.stale == 0);
}

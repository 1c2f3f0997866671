// Pulled pages stored on another thread (as the pull writer does,
// client/sync/pull_writer.h) while the officer captures: every read-modify-
// write of loc/ and srv/ (ApplyPull's "any pending? any loc/?" decisions,
// a capture's read of the record and its commit) runs under the store's
// lock, so no edit is lost from the officer's view whatever the interleaving.
#include <atomic>
#include <thread>

#include "client/store/client_keys.h"
#include "client/sync/pulled_page.h"
#include "tests/unit/client/client_fixture.h"

using namespace client_test;
using wardsync::records::RecordState;
namespace ckeys = wardsync::client::keys;

TEST_CASE("an officer's edits made while pulled pages are stored stay in the local view",
          "[client][store-layout][concurrency]") {
  constexpr int kRecords = 12;
  constexpr int kPages = 40;
  ManualClock clock;
  Device dev(clock);
  Device other(clock);
  std::vector<RecordState> server(kRecords);
  std::vector<std::string> ids;
  for (int i = 0; i < kRecords; ++i) {
    auto id = other.capture->New("voter-meeting", Meeting());
    REQUIRE(id.ok());
    ids.push_back(*id);
  }
  const auto made = other.Outbox();
  for (int i = 0; i < kRecords; ++i) ServerApply(server[i], made[i], i + 1, clock.NowMs());

  // Page k holds every record again, at log_seqs after page k-1's (the
  // server's view, without this device's edits); the first page reaches a
  // fresh device, with no srv/ and no loc/ yet.
  auto log_seq = [](int page, int i) { return static_cast<uint64_t>(page * kRecords + i + 1); };
  std::vector<Status> stored(kPages);
  std::atomic<int> pages_stored{0};
  std::thread writer([&] {
    for (int k = 0; k < kPages; ++k) {
      // As the round receives a page: the records stay the bytes they came
      // in, and the ones this device has edits pending for are parsed to
      // overlay them.
      wardsync::sync::Frame frame;
      for (int i = 0; i < kRecords; ++i) {
        RecordState* r = frame.mutable_pull_batch()->add_records();
        *r = server[i];
        r->set_log_seq(log_seq(k, i));
      }
      wardsync::client::PulledPage page;
      page.bytes() = frame.SerializeAsString();
      std::string rest;
      if (!page.TakeRecords(&rest) || page.received().size() != kRecords) {
        stored[k] = Status::Internal("the page's records were not found in its bytes");
      } else {
        stored[k] = dev.cs->ApplyPullPage(page.received(), page.records(), log_seq(k, kRecords - 1),
                                          /*durable=*/k == kPages - 1);
      }
      pages_stored.fetch_add(1);
      pages_stored.notify_all();
    }
  });
  // A record made here while the first page is being stored, then an edit
  // of each pulled record once the first page is in.
  auto own = dev.capture->New("voter-meeting", Meeting("200", "150"));
  pages_stored.wait(0);
  std::vector<Status> edited;
  for (int i = 0; i < kRecords; ++i) {
    clock.Advance(10);
    edited.push_back(dev.capture->Edit(ids[i], {{"attended", std::to_string(50 + i)}}));
  }
  writer.join();

  for (int k = 0; k < kPages; ++k) {
    INFO("page " << k);
    CHECK(stored[k].ok());
  }
  REQUIRE(own.ok());
  for (int i = 0; i < kRecords; ++i) REQUIRE(edited[i].ok());
  CHECK(dev.Local(*own).fields().at("attended").value().integer() == 150);
  for (int i = 0; i < kRecords; ++i) {
    INFO("record " << i);
    CHECK(dev.Local(ids[i]).fields().at("attended").value().integer() == 50 + i);
    std::string raw;
    REQUIRE(changes_util::ParseRecordId(ids[i], &raw));
    CHECK((*dev.cs->ServerRecord(raw))->log_seq() == log_seq(kPages - 1, i));
  }
  CHECK(CountPrefix(*dev.db, ckeys::kLocalRecordPrefix) == kRecords + 1);  // every record has a change pending

  // Every change-set acknowledged and pulled back: one copy of each record.
  const auto mine = dev.Outbox();
  REQUIRE(mine.size() == kRecords + 1);
  std::vector<RecordState> back;
  uint64_t seq = log_seq(kPages, 0);
  RecordState own_view;
  ServerApply(own_view, mine[0], seq++, clock.NowMs());
  back.push_back(own_view);
  for (int i = 0; i < kRecords; ++i) {
    RecordState r = server[i];
    ServerApply(r, mine[i + 1], seq++, clock.NowMs());
    back.push_back(r);
  }
  REQUIRE(dev.cs->Acknowledge(kRecords + 1).ok());
  REQUIRE(dev.cs->ApplyPull(back, seq).ok());
  CHECK(CountPrefix(*dev.db, ckeys::kLocalRecordPrefix) == 0);
  for (int i = 0; i < kRecords; ++i) {
    INFO("record " << i);
    CHECK(Same(dev.Local(ids[i]), back[i + 1]));
    CHECK(dev.Local(ids[i]).fields().at("attended").value().integer() == 50 + i);
  }
}

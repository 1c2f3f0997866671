// Shared pull pages (server/pull/shared_pages.h): a device must get exactly
// the page the one-Get-per-record rule gives it (pull_reader_test.cc), cut
// at the cut points (page_cuts.h), whether the page was read for it or
// taken from the cache another device's pull filled, and however the store
// changed in between: records rewritten, new ones, quarantine set changed,
// views older than the cached page, the device's own records on the page.
// Every payload is opened with the stock zstd decoder.
#include <zstd.h>

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <cstdlib>
#include <set>

#include "common/echo/own_echo.h"
#include "common/store/leveldb_store.h"
#include "common/wire/compression.h"
#include "proto/store.pb.h"
#include "proto/sync.pb.h"
#include "server/pull/page_cuts.h"
#include "server/pull/pull_frame.h"
#include "server/pull/shared_pages.h"
#include "server/store/server_keys.h"
#include "tests/support/temp_dir.h"
#include "tests/support/stock_zstd.h"
#include "tests/unit/pull/reference_page.h"

namespace {

using namespace wardsync;
using server::RawPullPage;
namespace sk = wardsync::server::keys;

const std::string kWard = "w1";

// The rule, one Get per record (reference_page.h), in the ward's scope.
RawPullPage Reference(KvReader& store, uint64_t cursor, uint32_t max_records, uint64_t max_bytes, uint64_t head,
                      uint64_t max_record_bytes) {
  return pulltest::Reference(store, kWard, cursor, max_records, max_bytes, head, max_record_bytes);
}

// The rule with cut points (page_cuts.h): when the ward log holds at least
// kCutMinEntries entries after the cursor up to the head, a page ends at the
// first cut point it covers if that point is among the first
// kCutMinEntries - 1 of them.
RawPullPage ReferenceCut(KvReader& store, uint64_t cursor, uint32_t max_records, uint64_t max_bytes, uint64_t head,
                         uint64_t max_record_bytes) {
  RawPullPage page = Reference(store, cursor, max_records, max_bytes, head, max_record_bytes);
  std::vector<uint64_t> entries;  // the ward's entries after the cursor up to the head
  const std::string prefix = sk::WardLogPrefix(kWard);
  for (auto it = store.Scan(prefix, wardsync::keys::WithU64(prefix, cursor + 1)); it->Valid(); it->Next()) {
    const uint64_t seq = wardsync::keys::ReadU64(it->key().substr(prefix.size()));
    if (seq > head) break;
    entries.push_back(seq);
  }
  if (entries.size() >= server::kCutMinEntries) {
    for (size_t i = 0; i < entries.size() && entries[i] <= page.cursor; ++i) {
      if (!server::IsCutPoint(entries[i])) continue;
      if (i + 1 < server::kCutMinEntries) {
        page = Reference(store, cursor, max_records, max_bytes, entries[i], max_record_bytes);
        REQUIRE(page.cursor == entries[i]);
        page.more = true;
      }
      break;  // only the first cut point counts
    }
  }
  page.remaining = page.more && head > page.cursor ? head - page.cursor : 0;
  return page;
}

// Opens a payload the way a client does, with the stock zstd decoder.
sync::PullBatch Open(const std::string& payload) {
  sync::Frame f;
  REQUIRE(f.ParseFromString(payload));
  if (f.has_zstd()) {
    const auto inner = test::StockZstdDecode(f.zstd());
    REQUIRE(inner.has_value());
    f.Clear();
    REQUIRE(f.ParseFromString(*inner));
  }
  REQUIRE(f.has_pull_batch());
  return f.pull_batch();
}

records::Stamp StampOf(const std::string& device, uint64_t seq, uint64_t ms) {
  records::Stamp s;
  s.mutable_change()->set_device_id(device);
  s.mutable_change()->set_seq(seq);
  s.set_hlc(1000 + seq);
  s.set_received_ms(ms);
  return s;
}

// A store written the way ingest writes it: each change-set's records get
// log entries (log/, wlog/) and the change-set its first log seq (cs/).
struct Fleet {
  KvStore& store;
  std::mt19937& rng;
  uint64_t seq = 0;
  std::vector<std::string> ids;
  std::map<std::string, uint64_t> last_cs;                      // device -> its last change-set seq
  std::map<std::string, std::vector<std::string>> last_records;  // device -> records of that change-set

  std::string NewId() {
    std::string id(16, '\0');
    for (auto& c : id) c = static_cast<char>(rng());
    ids.push_back(id);
    return id;
  }
  void Entry(WriteBatch& b, const std::string& ward, const std::string& id) {
    ++seq;
    wardsync::store::LogEntry e;
    e.set_record_id(id);
    e.set_ward(ward);
    b.Put(sk::Log(seq), e.SerializeAsString());
    b.Put(sk::WardLog(ward, seq), id);
  }
  // One change-set of `device` writing n records (new or rewritten).
  void Commit(const std::string& device, int n) {
    WriteBatch b;
    const uint64_t cs = ++last_cs[device];
    wardsync::store::StoredChangeSet stored;
    stored.set_first_log_seq(seq + 1);
    b.Put(sk::ChangeSet(device, cs), stored.SerializeAsString());
    auto& mine = last_records[device];
    mine.clear();
    for (int i = 0; i < n; ++i) {
      const std::string id = (ids.empty() || rng() % 8 != 0) ? NewId() : ids[rng() % ids.size()];
      const std::string ward = rng() % 6 ? kWard : "w2";  // other wards' entries interleave
      Entry(b, ward, id);
      if (ward != kWard) continue;
      records::RecordState r;
      r.set_record_id(id);
      r.set_form_id("voter-meeting");
      r.set_ward(kWard);
      r.set_log_seq(seq);
      if (rng() % 1000 == 0) r.set_placeholder(true);
      *r.mutable_created() = StampOf(device, cs, 5000 + seq);
      *r.mutable_last_change() = StampOf(device, cs, 5000 + seq);
      auto& f = (*r.mutable_fields())["note"];
      f.mutable_value()->set_text(std::string(40 + rng() % 600, static_cast<char>('a' + rng() % 26)));
      *f.mutable_stamp() = StampOf(device, cs, 5000 + seq);
      b.Put(sk::Record(id), r.SerializeAsString());
      mine.push_back(id);
    }
    REQUIRE(store.Write(b, false).ok());
  }
  void Absent() {  // a rejected change not kept: logged, never stored
    WriteBatch b;
    Entry(b, kWard, NewId());
    REQUIRE(store.Write(b, false).ok());
  }
  void ToggleQuarantine() {
    if (ids.empty()) return;
    const std::string& id = ids[rng() % ids.size()];
    WriteBatch b;
    std::string v;
    if (store.Get(sk::Quarantine(id), &v).ok()) {
      b.Delete(sk::Quarantine(id));
    } else {
      b.Put(sk::Quarantine(id), "");
    }
    REQUIRE(store.Write(b, false).ok());
  }
};

}  // namespace

TEST_CASE("shared pull pages are the pages each device's own read gives", "[unit][pull][shared]") {
  // WARDSYNC_SEED replays a failing seed.
  const char* replay = std::getenv("WARDSYNC_SEED");
  const uint32_t seed = replay ? static_cast<uint32_t>(std::stoul(replay)) : std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  uint64_t hits = 0, stale = 0, pages = 0, cut_pages = 0, fills = 0, piece_hits = 0, piece_fills = 0;
  for (int run = 0; run < 5; ++run) {
    test::TempDir dir("shared-pages");
    auto opened = LevelDbStore::Open(dir.path());
    REQUIRE(opened.ok());
    KvStore& store = **opened;
    Fleet fleet{store, rng};
    const std::vector<std::string> devices = {"dA", "dB", "dC", "dD", "dE", "dF"};
    // The same limits for every device, as in a server.
    const uint32_t max_records = 40 + rng() % 400;
    // Pieces (spliced pages) only with room for the splice: the last three.
    const uint32_t frame_bytes = std::vector<uint32_t>{12 << 10, 40 << 10, 1 << 20, 1 << 20, 8 << 20}[run];
    const uint64_t record_limit = rng() % 2 ? UINT64_MAX : 560;
    const auto bounds = server::PullPageBounds(frame_bytes, record_limit);
    INFO("run " << run << " max_records " << max_records << " frame_bytes " << frame_bytes);
    server::SharedPullPages shared(rng() % 2 ? server::SharedPullPages::kDefaultBytes : 200 << 10);
    for (int i = 0; i < 60; ++i) fleet.Commit(devices[rng() % devices.size()], 20);
    std::unique_ptr<KvReadView> old_view;
    uint64_t old_head = 0;
    for (int round = 0; round < 10; ++round) {
      INFO("round " << round);
      // Writes land between devices' pulls.
      const int commits = 2 + rng() % 8;
      for (int i = 0; i < commits; ++i) fleet.Commit(devices[rng() % devices.size()], 1 + rng() % 30);
      if (rng() % 4 == 0) fleet.ToggleQuarantine();
      if (rng() % 6 == 0) fleet.Absent();
      auto view = store.NewReadView();
      const uint64_t head = fleet.seq - rng() % 3;  // entries past the head are mid-commit
      for (int pull = 0; pull < 8; ++pull) {
        const std::string& device = devices[rng() % devices.size()];
        const bool use_old = old_view && rng() % 4 == 0;  // a view older than pages cached since
        KvReadView& v = use_old ? *old_view : *view;
        const uint64_t h = use_old ? old_head : head;
        server::OwnEchoAsk own;
        own.range = {device, fleet.last_cs[device], fleet.last_cs[device]};
        if (rng() % 2) {  // the device asks that its last change-set's records not come back
          uint32_t i = 0;
          for (const auto& id : fleet.last_records[device]) {
            std::string bytes;
            if (!v.Get(sk::Record(id), &bytes).ok()) continue;
            records::RecordState r;
            REQUIRE(r.ParseFromString(bytes));
            // A device sends digests of the records its pending change-sets
            // wrote (client/sync/own_echo_client.h): they carry its stamps.
            if (!own.range.Holds(r.last_change())) continue;
            own.index.emplace(echo::Digest(echo::Normalize(r, own.range)), i++);
          }
        }
        uint64_t cursor = rng() % 3 == 0 ? 0 : rng() % (h + 1);
        for (int page = 0;; ++page) {
          REQUIRE(page < 10000);
          INFO("device " << device << " cursor " << cursor << " head " << h << " old view " << use_old);
          server::PullAsk ask{kWard, cursor, max_records, frame_bytes, h, record_limit,
                              own.empty() ? nullptr : &own, true};
          auto got = shared.Read(v, ask);
          REQUIRE(got.ok());
          RawPullPage want = ReferenceCut(v, cursor, max_records, bounds.budget, h, bounds.one);
          if (!own.empty()) server::LeaveOutOwnEchoes(want, own);
          const sync::PullBatch batch = Open(got->payload);
          INFO("stats hits " << shared.stats().hits << " misses " << shared.stats().misses << " want more "
                             << want.more << " cursor " << want.cursor << " got cursor " << batch.cursor()
                             << " own " << batch.own_size());
          REQUIRE(batch.records_size() == static_cast<int>(want.records.size()));
          for (int i = 0; i < batch.records_size(); ++i) {
            records::RecordState w;
            REQUIRE(w.ParseFromString(want.records[static_cast<size_t>(i)]));
            CHECK(batch.records(i).SerializeAsString() == w.SerializeAsString());
          }
          CHECK(got->records == want.records.size());
          CHECK(batch.cursor() == want.cursor);
          CHECK(batch.more() == want.more);
          CHECK(batch.remaining() == want.remaining);
          sync::PullBatch want_extra;
          REQUIRE(want_extra.ParseFromString(want.extra_fields));
          REQUIRE(batch.own_size() == want_extra.own_size());
          for (int i = 0; i < batch.own_size(); ++i) {
            CHECK(batch.own(i).index() == want_extra.own(i).index());
            CHECK(batch.own(i).log_seq() == want_extra.own(i).log_seq());
          }
          CHECK(std::vector<uint64_t>(batch.received_ms().begin(), batch.received_ms().end()) ==
                std::vector<uint64_t>(want_extra.received_ms().begin(), want_extra.received_ms().end()));
          REQUIRE(got->skipped.size() == want.skipped.size());
          for (size_t i = 0; i < want.skipped.size(); ++i) {
            CHECK(got->skipped[i].record_id == want.skipped[i].record_id);
            CHECK(got->skipped[i].quarantined == want.skipped[i].quarantined);
          }
          ++pages;
          if (want.more && server::IsCutPoint(want.cursor)) ++cut_pages;
          if (!batch.more()) break;
          REQUIRE(batch.cursor() > cursor);
          cursor = batch.cursor();
        }
      }
      old_view = std::move(view);
      old_head = head;
    }
    hits += shared.stats().hits;
    fills += shared.stats().fills;
    stale += shared.stats().stale;
    piece_hits += shared.stats().piece_hits;
    piece_fills += shared.stats().piece_fills;
  }
  INFO("pages " << pages << " fills " << fills << " hits " << hits << " stale " << stale << " cut " << cut_pages
                << " piece fills " << piece_fills << " piece hits " << piece_hits);
  CHECK(piece_fills > 0);  // the devices' own first and last pages keep pieces
  CHECK(piece_hits > 0);   // and other devices' pages take them
  CHECK(fills > 0);  // pages are shared
  CHECK(hits > 0);   // and taken from the cache, not bypassed
  CHECK(stale > 0);         // and rewrites did make pages stale
  CHECK(cut_pages > 0);
}

TEST_CASE("a pull of fewer entries than the cut rule asks is not cut, whatever cut points it covers",
          "[unit][pull][shared]") {
  // Bench S3: a small sync is one round trip.
  std::mt19937 rng(11);
  test::TempDir dir("shared-pages-small");
  auto opened = LevelDbStore::Open(dir.path());
  REQUIRE(opened.ok());
  Fleet fleet{**opened, rng};
  const std::string prefix = sk::WardLogPrefix(kWard);
  std::vector<uint64_t> entries;
  while (entries.size() + 1 < server::kCutMinEntries) {
    fleet.Commit("dA", 1);
    entries.clear();
    for (auto it = (*opened)->Scan(prefix); it->Valid(); it->Next()) {
      entries.push_back(wardsync::keys::ReadU64(it->key().substr(prefix.size())));
    }
  }
  int cuts = 0;
  for (uint64_t s : entries) cuts += server::IsCutPoint(s);
  REQUIRE(cuts > 0);  // the pull covers cut points
  auto view = (*opened)->NewReadView();
  server::SharedPullPages shared;
  server::PullAsk ask{kWard, 0, 100000, 64u << 20, fleet.seq, UINT64_MAX, nullptr, true};
  auto got = shared.Read(*view, ask);
  REQUIRE(got.ok());
  const sync::PullBatch batch = Open(got->payload);
  const RawPullPage whole = Reference(*view, 0, 100000, UINT64_MAX, fleet.seq, UINT64_MAX);
  CHECK_FALSE(batch.more());
  CHECK(batch.cursor() == whole.cursor);
  CHECK(batch.records_size() == static_cast<int>(whole.records.size()));
  // One entry more and the same pull is cut at its first cut point.
  fleet.Commit("dA", 1);
  auto later = (*opened)->NewReadView();
  ask.log_head = fleet.seq;
  auto cut = shared.Read(*later, ask);
  REQUIRE(cut.ok());
  const sync::PullBatch first = Open(cut->payload);
  uint64_t first_cut = 0;
  for (uint64_t s : entries) {
    if (server::IsCutPoint(s)) {
      first_cut = s;
      break;
    }
  }
  // The new entry may be another ward's (1 in 6): then the pull is still short.
  std::vector<uint64_t> now;
  for (auto it = later->Scan(prefix); it->Valid(); it->Next()) {
    now.push_back(wardsync::keys::ReadU64(it->key().substr(prefix.size())));
  }
  if (now.size() >= server::kCutMinEntries) {
    CHECK(first.more());
    CHECK(first.cursor() == first_cut);
  } else {
    CHECK_FALSE(first.more());
  }
}

// The pull reader reads a page's records in batches (KvReader::MultiGet).
// Its pages must be exactly those of the plain rule it implements: walk the
// log after the cursor, take each record when first met (one Get), skip a
// quarantined, missing or oversized one, end the page at max_records or
// max_bytes. Checked here against that rule, written out the slow way, over
// random logs and page limits, following the cursor to the end as a device
// would.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "common/store/leveldb_store.h"
#include "common/store/value_cache_store.h"
#include "proto/store.pb.h"
#include "server/pull/pull_reader.h"
#include "server/store/server_keys.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/pull/reference_page.h"

namespace {

using namespace wardsync;
using wardsync::server::RawPullPage;
namespace sk = wardsync::server::keys;

using wardsync::pulltest::Reference;


void Same(const RawPullPage& got, const RawPullPage& want) {
  CHECK(got.records == want.records);
  CHECK(got.cursor == want.cursor);
  CHECK(got.more == want.more);
  CHECK(got.bytes == want.bytes);
  REQUIRE(got.skipped.size() == want.skipped.size());
  for (size_t i = 0; i < got.skipped.size(); ++i) {
    CHECK(got.skipped[i].record_id == want.skipped[i].record_id);
    CHECK(got.skipped[i].bytes == want.skipped[i].bytes);
    CHECK(got.skipped[i].quarantined == want.skipped[i].quarantined);
  }
}

}  // namespace

TEST_CASE("pull pages read in batches are the pages of one Get per record", "[unit][pull]") {
  const uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 12; ++round) {
    test::TempDir dir("pull-reader");
    auto opened = LevelDbStore::Open(dir.path());
    REQUIRE(opened.ok());
    KvStore& store = **opened;
    // A log of 1..400 entries over a pool of 1..200 records of two wards: some
    // records named many times, some never stored (rejected placeholders),
    // some quarantined, some bigger than the record limit.
    const int pool = 1 + static_cast<int>(rng() % 200);  // past one read-ahead batch (64) too
    const int entries = 1 + static_cast<int>(rng() % 400);
    WriteBatch b;
    std::vector<std::string> ids;
    for (int r = 0; r < pool; ++r) {
      std::string id(16, '\0');
      for (auto& c : id) c = static_cast<char>(rng());
      ids.push_back(id);
      const int kind = static_cast<int>(rng() % 10);
      if (kind == 0) continue;                        // never stored
      if (kind == 1) b.Put(sk::Quarantine(id), "");  // held back (and stored)
      b.Put(sk::Record(id), std::string(10 + rng() % (kind == 2 ? 3000 : 300), static_cast<char>('a' + r % 26)));
    }
    for (int seq = 1; seq <= entries; ++seq) {
      const std::string& id = ids[rng() % ids.size()];
      const std::string ward = (rng() % 3) ? "w1" : "w2";
      wardsync::store::LogEntry e;
      e.set_record_id(id);
      b.Put(sk::Log(seq), e.SerializeAsString());
      b.Put(sk::WardLog(ward, seq), id);
    }
    REQUIRE(store.Write(b, true).ok());
    const uint64_t head = entries - rng() % 5;  // entries past the head are mid-commit: not read
    const uint32_t max_records = 1 + rng() % 150;
    const uint64_t max_bytes = 64 + rng() % 40000;
    const uint64_t max_record_bytes = (rng() % 2) ? UINT64_MAX : 1500;
    for (const std::string ward : {"", "w1", "w2"}) {
      INFO("round " << round << " ward '" << ward << "' max_records " << max_records << " max_bytes " << max_bytes);
      auto view = store.NewReadView();
      uint64_t cursor = 0;
      for (int page = 0;; ++page) {
        REQUIRE(page < 1000);
        auto got = server::ReadPullRaw(*view, ward, cursor, max_records, max_bytes, head, max_record_bytes);
        REQUIRE(got.ok());
        auto want = Reference(*view, ward, cursor, max_records, max_bytes, head, max_record_bytes);
        Same(*got, want);
        if (!got->more) break;
        REQUIRE(got->cursor > cursor);  // a page always moves the cursor on
        cursor = got->cursor;
      }
    }
  }
}

TEST_CASE("pull pages read through the record cache are the engine's pages of the same instant", "[unit][pull]") {
  // The server's store puts a cache of the records it wrote in front of the
  // engine (common/store/value_cache_store.h). Records are updated between
  // batches; a view made before an update must still give the old pages,
  // one made after it the new ones, whether the cache holds the record,
  // holds a newer version of it, or evicted it.
  const uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  test::TempDir dir("pull-reader-cache");
  auto opened = LevelDbStore::Open(dir.path());
  REQUIRE(opened.ok());
  LevelDbStore& engine = **opened;
  ValueCacheStore cached(engine, std::string(sk::kRecordPrefix), 48 << 10);  // small: evictions happen
  std::vector<std::string> ids;
  for (int r = 0; r < 120; ++r) {
    std::string id(16, '\0');
    for (auto& c : id) c = static_cast<char>(rng());
    ids.push_back(id);
  }
  uint64_t seq = 0;
  std::unique_ptr<KvReadView> old_cached, old_engine;
  for (int round = 0; round < 8; ++round) {
    WriteBatch b;
    const int changes = 1 + static_cast<int>(rng() % 60);
    for (int k = 0; k < changes; ++k) {
      const std::string& id = ids[rng() % ids.size()];
      // The record's new state, then its log entries, as ingest writes them.
      if (rng() % 8) {
        std::string state(20 + rng() % 900, static_cast<char>('a' + k % 26));
        state[0] = static_cast<char>('0' + round);  // a new state differs from the last one
        b.Put(sk::Record(id), state);
      }
      ++seq;
      wardsync::store::LogEntry e;
      e.set_record_id(id);
      b.Put(sk::Log(seq), e.SerializeAsString());
      b.Put(sk::WardLog((rng() % 2) ? "w1" : "w2", seq), id);
    }
    REQUIRE(cached.Write(b, false).ok());
    auto now_cached = cached.NewReadView();
    auto now_engine = engine.NewReadView();
    const uint32_t max_records = 1 + rng() % 80;
    const uint64_t max_bytes = 64 + rng() % 20000;
    for (const std::string ward : {"", "w1", "w2"}) {
      INFO("round " << round << " ward '" << ward << "'");
      for (auto [view, reference] : {std::pair{now_cached.get(), now_engine.get()},
                                     std::pair{old_cached.get(), old_engine.get()}}) {
        if (!view) continue;
        uint64_t cursor = rng() % 3 ? 0 : seq / 2;
        for (int page = 0;; ++page) {
          REQUIRE(page < 1000);
          auto got = server::ReadPullRaw(*view, ward, cursor, max_records, max_bytes, seq, UINT64_MAX);
          REQUIRE(got.ok());
          Same(*got, Reference(*reference, ward, cursor, max_records, max_bytes, seq, UINT64_MAX));
          if (!got->more) break;
          cursor = got->cursor;
        }
      }
    }
    old_cached = std::move(now_cached);
    old_engine = std::move(now_engine);
  }
  CHECK(cached.stats().hits > 0);
}

// The record cache in front of the server's store
// (common/store/value_cache_store.h): a read view must read exactly what
// the engine's view of the same instant reads, whatever was cached, updated,
// deleted or evicted, and while a writer commits.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "common/store/leveldb_store.h"
#include "common/store/value_cache_store.h"
#include "tests/support/kv_read.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace wardsync;

using test::Read;

struct Rig {
  test::TempDir dir{"value-cache"};
  std::unique_ptr<LevelDbStore> engine;
  std::unique_ptr<ValueCacheStore> cache;
  explicit Rig(size_t max_bytes = 1 << 20) {
    auto opened = LevelDbStore::Open(dir.path());
    REQUIRE(opened.ok());
    engine = std::move(opened).value();
    cache = std::make_unique<ValueCacheStore>(*engine, "rec/", max_bytes);
  }
  void Put(const std::string& key, const std::string& value) {
    WriteBatch b;
    b.Put(key, value);
    REQUIRE(cache->Write(b, false).ok());
  }
};

}  // namespace

TEST_CASE("value cache: a view reads its own instant, never a newer or older cached value", "[unit][store]") {
  Rig rig;
  rig.Put("rec/a", "a1");
  auto before = rig.cache->NewReadView();  // sees a1
  CHECK(Read(*before, "rec/a") == "a1");
  CHECK(rig.cache->stats().hits == 1);  // answered from the cache

  rig.Put("rec/a", "a2");  // an update after a1 was cached
  auto after = rig.cache->NewReadView();
  CHECK(Read(*after, "rec/a") == "a2");
  // The old view must not get the newer cached value: it reads its snapshot.
  const auto misses = rig.cache->stats().misses;
  CHECK(Read(*before, "rec/a") == "a1");
  CHECK(rig.cache->stats().misses == misses + 1);

  SECTION("a delete leaves the cache") {
    WriteBatch d;
    d.Delete("rec/a");
    REQUIRE(rig.cache->Write(d, false).ok());
    auto now = rig.cache->NewReadView();
    CHECK_FALSE(Read(*now, "rec/a"));
    CHECK(Read(*after, "rec/a") == "a2");
    CHECK(rig.cache->stats().entries == 0);
  }
  SECTION("the last op of a batch on a key wins, as in the engine") {
    WriteBatch b;
    b.Put("rec/a", "x");
    b.Put("rec/a", "a3");
    REQUIRE(rig.cache->Write(b, false).ok());
    auto now = rig.cache->NewReadView();
    CHECK(Read(*now, "rec/a") == "a3");
    CHECK(Read(*rig.engine->NewReadView(), "rec/a") == "a3");
  }
  SECTION("keys outside the prefix are not cached; MultiGet mixes both") {
    rig.Put("other/k", "v");
    CHECK(rig.cache->stats().entries == 1);
    auto now = rig.cache->NewReadView();
    std::vector<std::optional<std::string>> values;
    REQUIRE(now->MultiGet({"rec/a", "other/k", "rec/none"}, &values).ok());
    REQUIRE(values.size() == 3);
    CHECK(values[0] == "a2");
    CHECK(values[1] == "v");
    CHECK_FALSE(values[2]);
  }
}

TEST_CASE("value cache: bounded in bytes, oldest writes out first, evicted keys read from the engine",
          "[unit][store]") {
  Rig rig(64 << 10);
  const std::string big(2000, 'x');  // under max_bytes / 16: cached
  for (int i = 0; i < 200; ++i) rig.Put("rec/" + std::to_string(i), big + std::to_string(i));
  const auto st = rig.cache->stats();
  CHECK(st.bytes <= (64u << 10));
  CHECK(st.entries < 200);
  CHECK(st.entries > 10);
  auto view = rig.cache->NewReadView();
  const auto hits = rig.cache->stats().hits;
  CHECK(Read(*view, "rec/199") == big + "199");  // the newest: cached
  CHECK(rig.cache->stats().hits == hits + 1);
  CHECK(Read(*view, "rec/0") == big + "0");  // evicted long ago: from the engine
  CHECK(rig.cache->stats().hits == hits + 1);
  // A value larger than max_bytes / 16 is never cached.
  rig.Put("rec/huge", std::string(8 << 10, 'h'));
  CHECK(Read(*rig.cache->NewReadView(), "rec/huge") == std::string(8 << 10, 'h'));
  CHECK(rig.cache->stats().hits == hits + 1);
}

TEST_CASE("value cache: views made while a writer commits read one consistent state", "[unit][store]") {
  // The writer sets every key to version v in one batch, with a key outside
  // the prefix (never cached) saying v. A view whose cached reads disagree
  // with its own engine read of the marker read a stale or a future value.
  Rig rig(16 << 10);  // small: evictions happen while it runs
  constexpr int kKeys = 40;
  constexpr int kVersions = 400;
  auto keys = [] {
    std::vector<std::string> k;
    for (int i = 0; i < kKeys; ++i) k.push_back("rec/" + std::to_string(i));
    return k;
  }();
  auto write_version = [&](int v) {
    WriteBatch b;
    for (int i = 0; i < kKeys; ++i) {
      // Only some keys change each time, so cached entries of different ages coexist.
      if (v == 0 || (i + v) % 3 == 0) b.Put(keys[i], std::to_string(v) + "/" + std::string(100, 'r'));
    }
    b.Put("ver", std::to_string(v));
    REQUIRE(rig.cache->Write(b, false).ok());
  };
  write_version(0);
  std::atomic<bool> done{false};
  std::atomic<int> checked{0}, wrong{0};
  // What each key holds at version v: the last version <= v that wrote it.
  auto expected = [](int i, int v) {
    for (int w = v; w > 0; --w) {
      if ((i + w) % 3 == 0) return w;
    }
    return 0;
  };
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto view = rig.cache->NewReadView();
        std::string ver;
        if (!view->Get("ver", &ver).ok()) {
          ++wrong;
          continue;
        }
        const int v = std::stoi(ver);
        std::vector<std::optional<std::string>> values;
        if (!view->MultiGet(keys, &values).ok()) {
          ++wrong;
          continue;
        }
        for (int i = 0; i < kKeys; ++i) {
          const std::string want = std::to_string(expected(i, v)) + "/";
          if (!values[i] || values[i]->rfind(want, 0) != 0) ++wrong;
        }
        ++checked;
      }
    });
  }
  // Commits go on until the readers have checked a fair number of views
  // made meanwhile.
  for (int v = 1; v <= kVersions || checked.load() < 300; ++v) write_version(v);
  done = true;
  for (auto& r : readers) r.join();
  CHECK(wrong.load() == 0);
  CHECK(rig.cache->stats().hits > 0);
}

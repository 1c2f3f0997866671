// The set of present keys in front of the server's store
// (common/store/key_presence_store.h): it may answer "absent" only for a
// key the store does not hold in the view asked, never for one it holds,
// whatever was there at open, written since, or written while readers ask.
#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <thread>

#include "common/store/forwarding_store.h"
#include "common/store/growing_bloom_filter.h"
#include "common/store/key_presence_store.h"
#include "common/store/leveldb_store.h"
#include "tests/support/kv_read.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace wardsync;

using test::Read;

// Counts the reads that reach the engine.
class CountingStore : public ForwardingKvStore {
 public:
  using ForwardingKvStore::ForwardingKvStore;
  Status Get(std::string_view key, std::string* value) override {
    ++gets;
    return ForwardingKvStore::Get(key, value);
  }
  Status MultiGet(const std::vector<std::string>& keys, std::vector<std::optional<std::string>>* values) override {
    keys_asked += keys.size();
    return ForwardingKvStore::MultiGet(keys, values);
  }
  std::atomic<uint64_t> gets{0}, keys_asked{0};
};

std::string Id(uint64_t i) {
  std::string id(16, '\0');
  for (int b = 0; b < 8; ++b) id[static_cast<size_t>(b)] = static_cast<char>((i >> (8 * b)) & 0xff);
  return "rec/" + id;
}

}  // namespace

TEST_CASE("growing bloom filter: no string added is ever missing, few absent ones look present",
          "[unit][store]") {
  GrowingBloomFilter f;
  const uint64_t n = GrowingBloomFilter::kKeysPerBlock * 2 + 1'000;  // three blocks
  for (uint64_t i = 0; i < n; ++i) f.Add(Id(i));
  CHECK(f.added() == n);
  uint64_t missing = 0;
  for (uint64_t i = 0; i < n; ++i) missing += f.MayContain(Id(i)) ? 0 : 1;
  CHECK(missing == 0);
  uint64_t false_positives = 0;
  const uint64_t asked = 100'000;
  for (uint64_t i = 0; i < asked; ++i) false_positives += f.MayContain(Id(n + 1'000'000 + i)) ? 1 : 0;
  // ~1% a block, three blocks asked: well under 5%.
  CHECK(false_positives < asked / 20);
  CHECK(false_positives > 0);  // it is a filter, not a set
}

TEST_CASE("key presence: keys at open and written since are read from the engine, absent ones are not",
          "[unit][store]") {
  test::TempDir dir{"key-presence"};
  auto opened = LevelDbStore::Open(dir.path());
  REQUIRE(opened.ok());
  CountingStore engine(**opened);
  {
    WriteBatch b;
    b.Put(Id(1), "one");
    b.Put("dev/x", "outside the prefix");
    REQUIRE(engine.Write(b, false).ok());
  }
  auto presence = KeyPresenceStore::Open(engine, "rec/");
  REQUIRE(presence.ok());
  KeyPresenceStore& store = **presence;
  CHECK(store.stats().keys == 1);

  // At open: found, through the engine.
  CHECK(Read(store, Id(1)) == "one");
  CHECK(engine.gets == 1);
  // Absent: answered here, the engine not asked (1,000 absent ids: at most
  // a few false positives go to the engine).
  for (uint64_t i = 100; i < 1'100; ++i) CHECK_FALSE(Read(store, Id(i)).has_value());
  CHECK(engine.gets < 1 + 30);
  CHECK(store.stats().reads_spared > 970);
  // Outside the prefix: always the engine.
  const auto before = engine.gets.load();
  CHECK(Read(store, "dev/x") == "outside the prefix");
  CHECK_FALSE(Read(store, "dev/y").has_value());
  CHECK(engine.gets == before + 2);

  // Written through the store: found at once, on the store and in a view
  // made after; a view made before the write does not hold it.
  auto old_view = store.NewReadView();
  {
    WriteBatch b;
    b.Put(Id(2), "two");
    REQUIRE(store.Write(b, false).ok());
  }
  CHECK(Read(store, Id(2)) == "two");
  auto new_view = store.NewReadView();
  CHECK(Read(*new_view, Id(2)) == "two");
  CHECK_FALSE(Read(*old_view, Id(2)).has_value());

  // MultiGet: each key's answer, the absent ones not sent to the engine.
  std::vector<std::string> keys = {Id(1), Id(5'000), Id(2), "dev/x", Id(5'001)};
  std::vector<std::optional<std::string>> values;
  const auto asked = engine.keys_asked.load();
  REQUIRE(store.MultiGet(keys, &values).ok());
  CHECK(values[0] == "one");
  CHECK_FALSE(values[1].has_value());
  CHECK(values[2] == "two");
  CHECK(values[3] == "outside the prefix");
  CHECK_FALSE(values[4].has_value());
  CHECK(engine.keys_asked - asked <= 5);
  CHECK(engine.keys_asked - asked >= 3);
  REQUIRE(new_view->MultiGet(keys, &values).ok());
  CHECK(values[2] == "two");

  // A deleted key stays "maybe": read from the engine, which says absent.
  {
    WriteBatch b;
    b.Delete(Id(1));
    REQUIRE(store.Write(b, false).ok());
  }
  CHECK(store.MayHold(Id(1)));
  CHECK_FALSE(Read(store, Id(1)).has_value());
}

TEST_CASE("key presence: a reader never misses a key whose write it can see, while a writer adds keys",
          "[unit][store]") {
  test::TempDir dir{"key-presence-race"};
  auto opened = LevelDbStore::Open(dir.path());
  REQUIRE(opened.ok());
  auto presence = KeyPresenceStore::Open(**opened, "rec/");
  REQUIRE(presence.ok());
  KeyPresenceStore& store = **presence;
  constexpr uint64_t kKeys = 20'000;
  std::atomic<uint64_t> written{0};  // keys [0, written) are in the store
  std::atomic<bool> wrong{false};
  std::thread writer([&] {
    for (uint64_t i = 0; i < kKeys; ++i) {
      WriteBatch b;
      b.Put(Id(i), "v");
      if (!store.Write(b, false).ok()) wrong = true;
      written.store(i + 1, std::memory_order_release);
    }
  });
  auto reader = [&](uint64_t seed) {
    std::mt19937_64 rng(seed);
    while (written.load(std::memory_order_acquire) < kKeys) {
      const uint64_t n = written.load(std::memory_order_acquire);
      if (n == 0) continue;
      const uint64_t k = n - 1 - rng() % std::min<uint64_t>(n, 64);  // mostly the newest keys
      auto view = store.NewReadView();
      std::string v;
      if (!view->Get(Id(k), &v).ok() || !store.Get(Id(k), &v).ok()) wrong = true;
    }
  };
  std::thread r1(reader, 1), r2(reader, 2);
  writer.join();
  r1.join();
  r2.join();
  CHECK_FALSE(wrong.load());
  CHECK(store.stats().keys == kKeys);
}

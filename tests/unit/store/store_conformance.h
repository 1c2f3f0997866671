// The store conformance suite: every promise of common/store/kv_store.h,
// checked against the KvStore interface only, for every implementation.
// An implementation joins with one Engine type (how to open its store
// through the factory, how to crash it or make its writes fail, and why it
// cannot run here if it cannot) in a test file that defines STORE_ENGINES
// as its engine types and includes this header:
//   tests/unit/store/store_conformance_test.cc   LevelDB
//   tests/postgres/pg_conformance_test.cc        PostgreSQL (its own binary:
//                                                it runs a cluster)
#pragma once
#include <catch2/catch.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <thread>

#include "common/store/dir_lock.h"
#include "common/store/store_factory.h"
#include "common/store/store_format.h"
#include "tests/support/temp_dir.h"

#ifndef STORE_ENGINES
#error "define STORE_ENGINES (the engine types) before including store_conformance.h"
#endif

namespace wardsync::conformance {


// One data directory and the store opened on it, as a process opens it:
// the directory's lock, then the factory.
template <typename Engine>
class Rig {
 public:
  Rig() { Open(); }
  void Open(std::optional<ExpectedFormat> format = std::nullopt, MissingStamp missing = MissingStamp::kAccept) {
    auto st = TryOpen(format, missing);
    INFO(st.message());
    REQUIRE(st.ok());
  }
  Status TryOpen(std::optional<ExpectedFormat> format = std::nullopt, MissingStamp missing = MissingStamp::kAccept) {
    REQUIRE_FALSE(store);
    auto l = DirLock::TryAcquire(dir.path());
    REQUIRE(l.ok());
    REQUIRE(l->has_value());
    lock = std::move(*l);
    StoreOptions o = engine.Options();
    if (format) o.format = *format;
    o.missing = missing;
    o.stamped_by = "conformance test";
    auto s = OpenStore(*lock, o);
    if (!s.ok()) {
      lock.reset();
      return s.status();
    }
    store = std::move(s).value();
    return Status::Ok();
  }
  void Close() {
    store.reset();
    lock.reset();
  }
  void Reopen() {
    Close();
    Open();
  }
  // A crash: whatever was not durable is gone.
  void Crash() {
    engine.PowerOff();
    Close();
    engine.PowerOn();
    Open();
  }
  KvStore& kv() { return *store; }

  test::TempDir dir{"conformance"};
  Engine engine;
  std::optional<DirLock> lock;
  std::unique_ptr<KvStore> store;
};

void Put(KvStore& kv, const std::string& k, const std::string& v, bool sync = true) {
  WriteBatch b;
  b.Put(k, v);
  REQUIRE(kv.Write(b, sync).ok());
}

std::optional<std::string> Get(KvReader& kv, const std::string& k) {
  std::string v;
  Status s = kv.Get(k, &v);
  if (s.not_found()) return std::nullopt;
  INFO(s.message());
  REQUIRE(s.ok());
  return v;
}

std::vector<std::string> Keys(std::unique_ptr<KvIterator> it) {
  std::vector<std::string> out;
  for (; it->Valid(); it->Next()) out.emplace_back(it->key());
  REQUIRE(it->status().ok());
  return out;
}

}  // namespace wardsync::conformance

// An engine that cannot run here (PostgreSQL not installed) is skipped, with
// a warning and one assertion (ctest runs with --warn NoAssertions).
#define CONFORMANCE_ENGINE_OR_SKIP()                                             \
  if (std::string why = TestType::WhyNotAvailable(); !why.empty()) {           \
    WARN("SKIPPED: the " << TestType::kName << " engine cannot run here: " << why); \
    SUCCEED("skipped");                                                        \
    return;                                                                    \
  }

using namespace wardsync;
using namespace wardsync::conformance;

TEMPLATE_TEST_CASE("store: put, get, overwrite and delete", "[unit][store-conformance]", STORE_ENGINES) {
  CONFORMANCE_ENGINE_OR_SKIP();
  Rig<TestType> rig;
  KvStore& kv = rig.kv();
  CHECK_FALSE(Get(kv, "a").has_value());
  Put(kv, "a", "1");
  CHECK(Get(kv, "a") == "1");
  Put(kv, "a", std::string("2\0two", 5));
  CHECK(Get(kv, "a") == std::string("2\0two", 5));
  Put(kv, "", "empty key");
  CHECK(Get(kv, "") == "empty key");
  WriteBatch del;
  del.Delete("a");
  del.Delete("never-there");  // deleting a missing key is no error
  REQUIRE(kv.Write(del, true).ok());
  CHECK_FALSE(Get(kv, "a").has_value());
}

TEMPLATE_TEST_CASE("store: MultiGet answers as a Get per key would", "[unit][store-conformance]", STORE_ENGINES) {
  CONFORMANCE_ENGINE_OR_SKIP();
  Rig<TestType> rig;
  KvStore& kv = rig.kv();
  // Keys of several families (PostgreSQL: several tables) and of none, with
  // the bytes an array literal must escape, and more keys than one chunk.
  const std::string odd("rec/\0\"\\{},\xff x", 13);
  std::vector<std::string> keys = {"rec/a", "dev/b", "no-family", odd, "rec/missing", "rec/a", ""};
  for (int i = 0; i < 1500; ++i) keys.push_back("cs/" + std::to_string(i));
  WriteBatch b;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == "rec/missing" || (keys[i].rfind("cs/", 0) == 0 && i % 3 == 0)) continue;
    b.Put(keys[i], "v:" + keys[i]);
  }
  REQUIRE(kv.Write(b, true).ok());
  auto check = [&](KvReader& r) {
    std::vector<std::optional<std::string>> got;
    Status s = r.MultiGet(keys, &got);
    INFO(s.message());
    REQUIRE(s.ok());
    REQUIRE(got.size() == keys.size());
    size_t found = 0;
    for (size_t i = 0; i < keys.size(); ++i) {
      INFO("key " << i);
      CHECK(got[i] == Get(r, keys[i]));
      found += got[i].has_value();
    }
    CHECK(found == keys.size() - 1 - 500);  // "rec/missing" and every third cs/ key
    CHECK(got[3] == "v:" + odd);
    CHECK(got[5] == "v:rec/a");  // a key asked for twice is answered twice
  };
  check(kv);
  auto view = kv.NewReadView();
  WriteBatch later;
  later.Put("rec/a", "changed");
  later.Put("rec/missing", "now here");
  REQUIRE(kv.Write(later, true).ok());
  check(*view);  // the view still answers as of when it was made
  std::vector<std::optional<std::string>> now;
  REQUIRE(kv.MultiGet({"rec/a", "rec/missing"}, &now).ok());
  CHECK(now == std::vector<std::optional<std::string>>{"changed", "now here"});
  std::vector<std::optional<std::string>> none;
  REQUIRE(kv.MultiGet({}, &none).ok());
  CHECK(none.empty());
}

TEMPLATE_TEST_CASE("store: a batch is applied all or nothing", "[unit][store-conformance]", STORE_ENGINES) {
  CONFORMANCE_ENGINE_OR_SKIP();
  Rig<TestType> rig;
  Put(rig.kv(), "old", "x");
  auto before = rig.kv().NewReadView();
  WriteBatch b;
  for (int i = 0; i < 1000; ++i) b.Put("k/" + std::to_string(1000 + i), std::string(1000, 'v'));
  b.Delete("old");
  b.Put("k/1000", "last write of a key in a batch wins");
  REQUIRE(rig.kv().Write(b, /*sync=*/false).ok());
  // A view made before sees none of it, the store all of it.
  CHECK(Keys(before->Scan("k/")).empty());
  CHECK(Get(*before, "old") == "x");
  CHECK(Keys(rig.kv().Scan("k/")).size() == 1000);
  CHECK_FALSE(Get(rig.kv(), "old").has_value());
  CHECK(Get(rig.kv(), "k/1000") == "last write of a key in a batch wins");
  before.reset();
  // A crash keeps the unsynced batch whole or not at all, never a part.
  rig.Crash();
  const size_t kept = Keys(rig.kv().Scan("k/")).size();
  CHECK((kept == 0 || kept == 1000));
  CHECK(Get(rig.kv(), "old").has_value() == (kept == 0));
}

TEMPLATE_TEST_CASE("store: scans go in unsigned byte order within their prefix", "[unit][store-conformance]",
                   STORE_ENGINES) {
  CONFORMANCE_ENGINE_OR_SKIP();
  Rig<TestType> rig;
  WriteBatch b;
  for (std::string k : {std::string("p/b"), std::string("p/a"), std::string("p/\xff"), std::string("p/\x00", 3),
                        std::string("p/a\x01"), std::string("p"), std::string("q/a"), std::string("o/z"),
                        std::string("p\xff/x"), std::string("p/\x80")}) {
    b.Put(k, "v");
  }
  REQUIRE(rig.kv().Write(b, true).ok());
  const std::vector<std::string> forward = {std::string("p/\x00", 3), "p/a", "p/a\x01", "p/b", "p/\x80", "p/\xff"};
  CHECK(Keys(rig.kv().Scan("p/")) == forward);
  CHECK(Keys(rig.kv().Scan("p/", "p/a\x01")) == std::vector<std::string>(forward.begin() + 2, forward.end()));
  CHECK(Keys(rig.kv().Scan("p/", "p/c")) == std::vector<std::string>{"p/\x80", "p/\xff"});
  CHECK(Keys(rig.kv().ScanReverse("p/")) == std::vector<std::string>(forward.rbegin(), forward.rend()));
  // A prefix ending in 0xff, and the empty prefix (everything).
  CHECK(Keys(rig.kv().ScanReverse("p\xff")) == std::vector<std::string>{"p\xff/x"});
  CHECK(Keys(rig.kv().Scan("")).size() == 10);
  CHECK(Keys(rig.kv().ScanReverse("")).front() == "q/a");
  CHECK(Keys(rig.kv().Scan("none/")).empty());
  CHECK(Keys(rig.kv().ScanReverse("none/")).empty());
}

TEMPLATE_TEST_CASE("store: a read view and an iterator see one instant while writes go on",
                   "[unit][store-conformance]", STORE_ENGINES) {
  CONFORMANCE_ENGINE_OR_SKIP();
  Rig<TestType> rig;
  KvStore& kv = rig.kv();
  for (int i = 0; i < 100; ++i) Put(kv, "n/" + std::to_string(100 + i), "0", false);
  Put(kv, "count", "100");
  auto view = kv.NewReadView();
  auto it = kv.Scan("n/");  // made before the writes below
  // One writer thread (the contract's single writer) adds keys and moves the
  // count in the same batch, while this thread reads the view.
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i) {
      WriteBatch b;
      b.Put("n/" + std::to_string(200 + i), "1");
      b.Put("n/" + std::to_string(100 + i % 100), "changed");
      b.Put("count", std::to_string(101 + i));
      if (!kv.Write(b, false).ok()) break;
    }
    done = true;
  });
  int reads = 0;
  bool same = true;
  while (!done || reads == 0) {
    same = same && Get(*view, "count") == "100";
    same = same && Keys(view->Scan("n/")).size() == 100;
    ++reads;
  }
  writer.join();
  CHECK(same);
  CHECK(reads > 0);
  // Every value through the view is the one before the writes.
  auto vit = view->Scan("n/");
  size_t n = 0;
  for (; vit->Valid(); vit->Next(), ++n) CHECK(vit->value() == "0");
  CHECK(n == 100);
  CHECK(Keys(view->ScanReverse("n/")).size() == 100);
  // The iterator made before the writes sees none of them either.
  size_t before = 0;
  for (; it->Valid(); it->Next(), ++before) CHECK(it->value() == "0");
  CHECK(before == 100);
  // The store itself sees all of them.
  CHECK(Get(kv, "count") == "400");
  CHECK(Keys(kv.Scan("n/")).size() == 400);
}

TEMPLATE_TEST_CASE("store: a synced write makes every earlier write durable; a crash keeps a prefix",
                   "[unit][store-conformance]", STORE_ENGINES) {
  CONFORMANCE_ENGINE_OR_SKIP();
  Rig<TestType> rig;
  Put(rig.kv(), "1", "unsynced", false);
  Put(rig.kv(), "2", "unsynced", false);
  Put(rig.kv(), "3", "synced", true);
  Put(rig.kv(), "4", "unsynced", false);
  Put(rig.kv(), "5", "unsynced", false);
  rig.Crash();
  CHECK(Get(rig.kv(), "1") == "unsynced");
  CHECK(Get(rig.kv(), "2") == "unsynced");
  CHECK(Get(rig.kv(), "3") == "synced");
  // What survives of the unsynced tail is a prefix of it: never 5 without 4.
  const bool four = Get(rig.kv(), "4").has_value();
  const bool five = Get(rig.kv(), "5").has_value();
  CHECK((four || !five));
}

TEMPLATE_TEST_CASE("store: what was written is there after a reopen", "[unit][store-conformance]", STORE_ENGINES) {
  CONFORMANCE_ENGINE_OR_SKIP();
  Rig<TestType> rig;
  WriteBatch b;
  for (int i = 0; i < 500; ++i) b.Put("r/" + std::to_string(i), std::string(static_cast<size_t>(i), 'x'));
  REQUIRE(rig.kv().Write(b, true).ok());
  Put(rig.kv(), "gone", "soon");
  WriteBatch d;
  d.Delete("gone");
  REQUIRE(rig.kv().Write(d, true).ok());
  rig.Reopen();
  CHECK(Keys(rig.kv().Scan("r/")).size() == 500);
  CHECK(Get(rig.kv(), "r/499") == std::string(499, 'x'));
  CHECK_FALSE(Get(rig.kv(), "gone").has_value());
}

TEMPLATE_TEST_CASE("store: a second opener of the directory is refused while the first holds it",
                   "[unit][store-conformance]", STORE_ENGINES) {
  CONFORMANCE_ENGINE_OR_SKIP();
  Rig<TestType> rig;
  Put(rig.kv(), "k", "v");
  auto second = DirLock::TryAcquire(rig.dir.path());
  REQUIRE(second.ok());
  CHECK_FALSE(second->has_value());   // held: a command would forward itself
  rig.Close();
  auto third = DirLock::TryAcquire(rig.dir.path());
  REQUIRE(third.ok());
  CHECK(third->has_value());          // released with the first holder
  third->reset();
  rig.Open();
  CHECK(Get(rig.kv(), "k") == "v");
}

TEMPLATE_TEST_CASE("store: a store of another format version is refused at open", "[unit][store-conformance]",
                   STORE_ENGINES) {
  CONFORMANCE_ENGINE_OR_SKIP();
  Rig<TestType> rig;
  Put(rig.kv(), "data", "of an old release");
  rig.Close();
  const ExpectedFormat v1{"conformance-layout", 1}, v2{"conformance-layout", 2}, other{"another-layout", 1};
  // No stamp: accepted without one, or stamped when asked.
  rig.Open(v1, MissingStamp::kAccept);
  CHECK_FALSE(Get(rig.kv(), std::string(kStoreFormatKey)).has_value());
  rig.Close();
  rig.Open(v1, MissingStamp::kStamp);
  CHECK(Get(rig.kv(), std::string(kStoreFormatKey)).has_value());
  rig.Close();
  Status newer = rig.TryOpen(v2);
  CHECK(newer.code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(newer.message(), Catch::Contains("version 1") && Catch::Contains("version 2"));
  Status foreign = rig.TryOpen(other, MissingStamp::kStamp);
  CHECK(foreign.code() == Status::Code::kFailedPrecondition);
  CHECK_THAT(foreign.message(), Catch::Contains("another-layout"));
  rig.Open(v1);  // the refusals changed nothing
  CHECK(Get(rig.kv(), "data") == "of an old release");
}

TEMPLATE_TEST_CASE("store: after a failed write every write is refused until reopened; reads go on",
                   "[unit][store-conformance]", STORE_ENGINES) {
  CONFORMANCE_ENGINE_OR_SKIP();
  Rig<TestType> rig;
  Put(rig.kv(), "before", "1");
  rig.engine.FailWrites();
  WriteBatch b;
  b.Put("during", std::string(4096, 'x'));
  CHECK_FALSE(rig.kv().Write(b, true).ok());
  rig.engine.HealDisk();
  WriteBatch after;
  after.Put("after", "1");
  Status refused = rig.kv().Write(after, true);
  CHECK_FALSE(refused.ok());  // fail-stop, although the disk is fine again
  CHECK(Get(rig.kv(), "before") == "1");
  rig.Reopen();
  Put(rig.kv(), "after", "1");
  CHECK(Get(rig.kv(), "after") == "1");
}


// What the PostgreSQL store does beyond the shared contract (the
// conformance suite checks that): keys routed to their family's table,
// scans spanning families merged in key order across pages, and one active
// writer per database through the advisory lock.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <thread>

#include "common/store/keys.h"
#include "server/store/pg/pg_store.h"
#include "server/store/server_keys.h"
#include "tests/support/pg_cluster.h"

using namespace wardsync;

namespace {

std::unique_ptr<pg::PgStore> OpenPg(const std::string& url, pg::PgStoreOptions o = {}) {
  o.create_if_missing = true;
  auto s = pg::PgStore::Open(url, o);
  INFO(s.status().message());
  REQUIRE(s.ok());
  return std::move(s).value();
}

std::vector<std::pair<std::string, std::string>> All(std::unique_ptr<KvIterator> it) {
  std::vector<std::pair<std::string, std::string>> out;
  for (; it->Valid(); it->Next()) out.emplace_back(it->key(), it->value());
  REQUIRE(it->status().ok());
  return out;
}

std::string DbOf(const std::string& url) { return url.substr(url.rfind('/') + 1); }

}  // namespace

TEST_CASE("pg store: each key family in its table; scans across families merge in key order", "[postgres]") {
  WARDSYNC_PG_CLUSTER_OR_SKIP(cluster);
  auto url = cluster->CreateDatabase();
  REQUIRE(url.ok());
  auto store = OpenPg(*url);
  std::map<std::string, std::string> want;  // std::string compares as unsigned bytes here too (char_traits)
  WriteBatch b;
  auto put = [&](std::string k, std::string v) {
    want[k] = v;
    b.Put(std::move(k), std::move(v));
  };
  for (uint64_t i = 0; i < 1500; ++i) put(server::keys::Log(i), "entry " + std::to_string(i));
  for (int i = 0; i < 40; ++i) put(server::keys::Record(std::string(16, static_cast<char>(i * 6))), "rec");
  put(server::keys::RecordLog(std::string(16, 'x'), 7), "");
  put(server::keys::Device("server"), "dev");
  put(std::string(server::keys::kLogHead), "head");
  put("", "the empty key");
  put("r", "no family");
  put("rz", "no family either");
  put("\xff\xff", "last");
  REQUIRE(store->Write(b, true).ok());

  // Where they went: the database's own tables.
  CHECK(cluster->Query(DbOf(*url), "SELECT count(*) FROM ws_log").value() == "1500");
  CHECK(cluster->Query(DbOf(*url), "SELECT count(*) FROM ws_records").value() == "40");
  CHECK(cluster->Query(DbOf(*url), "SELECT count(*) FROM ws_other").value() == "4");

  const std::vector<std::pair<std::string, std::string>> forward(want.begin(), want.end());
  CHECK(All(store->Scan("")) == forward);
  CHECK(All(store->ScanReverse("")) == std::vector<std::pair<std::string, std::string>>(forward.rbegin(), forward.rend()));
  // "r" spans rec/, rlog/ and keys of no family; starting part-way.
  std::vector<std::pair<std::string, std::string>> r;
  for (const auto& kv : forward) {
    if (kv.first.rfind("r", 0) == 0) r.push_back(kv);
  }
  CHECK(All(store->Scan("r")) == r);
  CHECK(All(store->Scan("r", "rec/")) == std::vector<std::pair<std::string, std::string>>(r.begin() + 1, r.end()));
  // Through a view, after more writes: the state the view was made in.
  auto view = store->NewReadView();
  WriteBatch more;
  more.Put(server::keys::Log(5000), "later");
  more.Delete("r");
  REQUIRE(store->Write(more, true).ok());
  CHECK(All(view->Scan("")) == forward);
  CHECK(All(store->Scan("")).size() == forward.size());  // one added, one deleted
  auto last = store->ScanReverse(server::keys::kLogPrefix);
  REQUIRE(last->Valid());
  CHECK(last->value() == "later");
}

TEST_CASE("pg store: one active writer per database; a waiting opener takes over when it goes", "[postgres]") {
  WARDSYNC_PG_CLUSTER_OR_SKIP(cluster);
  auto url = cluster->CreateDatabase();
  REQUIRE(url.ok());
  auto first = OpenPg(*url);
  CHECK(first->active());
  WriteBatch b;
  b.Put("k", "by the first");
  REQUIRE(first->Write(b, true).ok());

  // Another process's admin command: it reads, but may not write.
  auto reader = OpenPg(*url);
  CHECK_FALSE(reader->active());
  std::string v;
  REQUIRE(reader->Get("k", &v).ok());
  CHECK(v == "by the first");
  WriteBatch refused;
  refused.Put("k", "by the second");
  Status s = reader->Write(refused, true);
  CHECK_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::Contains("another wardsync-server is active"));
  reader.reset();

  // A standby `run`: waits until the first is gone, then writes.
  std::atomic<int> waits{0};
  std::atomic<bool> opened{false};
  Result<std::unique_ptr<pg::PgStore>> standby_open;
  std::thread t([&] {
    pg::PgStoreOptions o;
    o.wait_to_be_active = true;
    o.keep_waiting = [&] {
      ++waits;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return true;
    };
    standby_open = pg::PgStore::Open(*url, o);
    opened = true;
  });
  while (waits.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // it is waiting
  CHECK_FALSE(opened.load());
  first.reset();  // the active one goes (its session ends, and the lock with it)
  t.join();
  INFO(standby_open.status().message());
  REQUIRE(standby_open.ok());
  auto& standby = *standby_open;
  CHECK(standby->active());
  WriteBatch after;
  after.Put("k", "by the standby");
  REQUIRE(standby->Write(after, true).ok());
  REQUIRE(standby->Get("k", &v).ok());
  CHECK(v == "by the standby");
}

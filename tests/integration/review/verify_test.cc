// `wardsync-server verify` passes on a busy store (also while devices keep
// syncing) and names the first break after one stored byte is altered.
#include <atomic>
#include <thread>

#include "tests/integration/review/review_fixture.h"

using namespace review_test;

namespace {

// Builds a store with several devices, conflicts, deletes and resolutions.
struct BusyStore {
  TestServer srv;
  TestDevice a1{srv, "a1", kWardA, "officer", "Nguyễn Văn An"};
  TestDevice a2{srv, "a2", kWardA, "officer", "Lê Thị Hoa"};
  TestDevice b1{srv, "b1", kWardB, "officer", "Trần Văn Bảo"};
  TestDevice rv{srv, "rv", kWardB, "reviewer", "Phạm Minh Châu"};
  std::vector<std::string> ids;

  BusyStore() {
    for (int i = 0; i < 4; ++i) ids.push_back(a1.New("voter-meeting", Meeting(100 + i, 50)));
    for (int i = 0; i < 3; ++i) b1.New("voter-meeting", Meeting(200, 100 + i));
    a1.Sync();
    b1.Sync();
    a2.Sync();
    a1.Edit(ids[0], {"attended=60"});
    a2.Edit(ids[0], {"attended=61"});
    a1.Edit(ids[1], {"notes=a1, \"quoted\""});
    a2.Edit(ids[1], {"notes=a2"});
    a2.Edit(ids[2], {"invited=150"});
    a1.Ok({"delete", ids[3]});
    a1.Sync();
    a2.Sync();
    auto queue = Json(srv.Ok({"conflicts", "--json"}).out);
    REQUIRE(Size(queue) == 2);
    srv.Ok({"resolve", At(At(queue, 0), "id").string_value(), "--pick", "1", "--reason", "checked"});
    rv.Sync();
    rv.Ok({"resolve", At(At(queue, 1), "id").string_value(), "--pick", "2", "--reason", "checked too"});
    rv.Sync();
  }
  std::string DeviceId(TestDevice& d) {
    auto cfg = d.store().Config();
    REQUIRE(cfg.ok());
    return cfg->device_id();
  }
};

// Reads and rewrites one key of a stopped server's store.
struct StoppedStore {
  explicit StoppedStore(const std::string& data) {
    auto db = LevelDbStore::Open(data + "/db", LevelDbOptions{nullptr, false});
    INFO(db.status().message());
    REQUIRE(db.ok());
    kv = std::move(db).value();
  }
  std::string Get(const std::string& key) {
    std::string v;
    REQUIRE(kv->Get(key, &v).ok());
    return v;
  }
  void Put(const std::string& key, const std::string& value) {
    WriteBatch b;
    b.Put(key, value);
    REQUIRE(kv->Write(b, true).ok());
  }
  void Delete(const std::string& key) {
    WriteBatch b;
    b.Delete(key);
    REQUIRE(kv->Write(b, true).ok());
  }
  std::unique_ptr<LevelDbStore> kv;
};

}  // namespace

TEST_CASE("verify: passes on a busy store, also while devices sync") {
  BusyStore s;
  auto first = s.srv.Ok({"verify"});
  CHECK(first.out.find("verify: OK") != std::string::npos);
  auto j = Json(s.srv.Ok({"verify", "--json"}).out);
  CHECK(At(j, "ok").bool_value());
  CHECK(At(j, "devices").number_value() == 5);  // four devices and the server's own identity
  // One signature per run (PROTOCOL.md, Signatures): at most one per change-set, at least one per device chain.
  CHECK(At(j, "signatures").number_value() <= At(j, "change_sets").number_value());
  CHECK(At(j, "signatures").number_value() >= 4);
  CHECK(At(j, "log_entries").number_value() == At(j, "log_head").number_value());
  CHECK(At(j, "log_head").number_value() >= 14);
  CHECK(At(j, "records").number_value() == 7);
  CHECK(At(j, "change_sets").number_value() >= 10);

  // Verify while a device keeps pushing: what is committed after it starts is left out, never a false break.
  std::atomic<int> failures{0};
  std::thread busy([&] {
    for (int i = 0; i < 12; ++i) {
      auto r = s.a2.Cli({"edit", s.ids[2], "--set", "attended=" + std::to_string(60 + i)});
      if (r.code != 0) ++failures;
      r = s.a2.Cli({"sync", "--quiet"});
      if (r.code != 0) ++failures;
    }
  });
  for (int i = 0; i < 4; ++i) {
    auto r = s.srv.Cli({"verify"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
  }
  busy.join();
  CHECK(failures == 0);
  s.srv.Ok({"verify"});
}

TEST_CASE("verify: names the first break after a stored byte is altered") {
  BusyStore s;
  const std::string a2 = s.DeviceId(s.a2);
  s.srv.Stop();
  s.srv.Ok({"verify"});  // offline, the store opened by the command itself

  SECTION("a flipped byte inside a stored change-set body") {
    const std::string key = server::keys::ChangeSet(a2, 2);
    std::string original;
    {
      StoppedStore st(s.srv.data());
      original = st.Get(key);
      store::StoredChangeSet stored;
      REQUIRE(stored.ParseFromString(original));
      const std::string& body = stored.signed_().body();
      const size_t at = original.find(body);
      REQUIRE(at != std::string::npos);
      std::string altered = original;
      altered[at + body.size() - 3] ^= 0x01;  // inside the body, well past its header
      st.Put(key, altered);
    }
    auto r = s.srv.Cli({"verify"});
    CHECK(r.code == 1);
    INFO(r.err);
    CHECK(r.err.find("BROKEN (chains)") != std::string::npos);
    // Change-set 2 carries no signature of its own (its run's head, 3, vouches
    // for it through the hash chain): the chain breaks where 3 names its hash.
    const std::string says = "device " + a2 + ": change-set 3 does not link to change-set 2";
    CHECK(r.err.find(says) != std::string::npos);
    auto j = Json(s.srv.Cli({"verify", "--json"}).out);
    CHECK_FALSE(At(j, "ok").bool_value());
    CHECK(At(j, "first_break").string_value().find(says) != std::string::npos);
    {
      StoppedStore st(s.srv.data());
      st.Put(key, original);
    }
    s.srv.Ok({"verify"});
  }

  SECTION("a gap in the log") {
    StoppedStore st(s.srv.data());
    st.Delete(server::keys::Log(3));
    st.kv.reset();
    auto r = s.srv.Cli({"verify"});
    CHECK(r.code == 1);
    CHECK(r.err.find("log: entry 3 is missing") != std::string::npos);
  }

  SECTION("a stored record that the log does not rebuild") {
    std::string raw;
    REQUIRE(changes_util::ParseRecordId(s.ids[2], &raw));
    {
      StoppedStore st(s.srv.data());
      records::RecordState r;
      REQUIRE(r.ParseFromString(st.Get(server::keys::Record(raw))));
      (*r.mutable_fields())["invited"].mutable_value()->set_integer(999);
      st.Put(server::keys::Record(raw), r.SerializeAsString());
    }
    auto r = s.srv.Cli({"verify"});
    CHECK(r.code == 1);
    CHECK(r.err.find("record " + s.ids[2]) != std::string::npos);
    CHECK(r.err.find("replaying") != std::string::npos);
    s.srv.Ok({"verify", "--no-replay"});  // the cheaper check does not look at records
  }

  SECTION("a device head that does not match its chain") {
    StoppedStore st(s.srv.data());
    store::Device d;
    REQUIRE(d.ParseFromString(st.Get(server::keys::Device(a2))));
    d.set_last_hash(std::string(32, '\0'));
    st.Put(server::keys::Device(a2), d.SerializeAsString());
    st.kv.reset();
    auto r = s.srv.Cli({"verify"});
    CHECK(r.code == 1);
    CHECK(r.err.find("device " + a2) != std::string::npos);
    CHECK(r.err.find("last_hash") != std::string::npos);
  }
}

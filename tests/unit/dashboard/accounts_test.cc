// Dashboard accounts and sessions: scrypt hashes, idle expiry, the login
// throttle, ward scoping of command output, the QR drawing.
#include <catch2/catch.hpp>

#include "common/crypto/digest.h"
#include "common/store/leveldb_store.h"
#include "server/accounts/password_hash.h"
#include "server/dashboard/json_scope.h"
#include "server/dashboard/qr_svg.h"
#include "server/dashboard/session_table.h"
#include "server/store/server_keys.h"
#include "tests/support/temp_dir.h"

using namespace wardsync::server;

TEST_CASE("password hashes verify the right password only", "[dashboard]") {
  auto h = accounts::HashPassword("mật-khẩu-đúng");
  REQUIRE(h.ok());
  CHECK(h->rfind("scrypt$32768$8$1$", 0) == 0);
  CHECK(accounts::WellFormedHash(*h));
  CHECK(accounts::CheckPassword("mật-khẩu-đúng", *h));
  CHECK_FALSE(accounts::CheckPassword("mật-khẩu-sai", *h));
  CHECK_FALSE(accounts::CheckPassword("", *h));
  auto again = accounts::HashPassword("mật-khẩu-đúng");
  REQUIRE(again.ok());
  CHECK(*again != *h);  // a fresh salt each time
}

TEST_CASE("password hashing refuses bad passwords and odd stored hashes", "[dashboard]") {
  CHECK_FALSE(accounts::HashPassword("short").ok());
  CHECK_FALSE(accounts::HashPassword(std::string(1025, 'x')).ok());
  auto h = accounts::HashPassword("long enough");
  REQUIRE(h.ok());
  std::string huge_n = *h;
  huge_n.replace(7, 5, "1073741824");  // N = 2^30: would take gigabytes
  CHECK_FALSE(accounts::WellFormedHash(huge_n));
  CHECK_FALSE(accounts::CheckPassword("long enough", huge_n));
  CHECK_FALSE(accounts::WellFormedHash("scrypt$32768$8$1$zz$00"));
  CHECK_FALSE(accounts::WellFormedHash("md5$abc"));
}

TEST_CASE("sessions end when idle and on logout", "[dashboard]") {
  dashboard::SessionTable t(1000);
  auto s = t.Create("alice", "hash", "10.0.0.1", 5000);
  CHECK(s.id.size() == 64);
  CHECK(s.csrf.size() == 64);
  CHECK(s.csrf != s.id);
  CHECK(t.Touch(s.id, 5900));
  CHECK(t.Touch(s.id, 6800));  // each use restarts the idle clock
  CHECK_FALSE(t.Touch(s.id, 7900));
  auto s2 = t.Create("alice", "hash", "10.0.0.1", 8000);
  t.End(s2);
  CHECK_FALSE(t.Touch(s2.id, 8001));
  CHECK_FALSE(t.Touch("not-a-session", 8001));
}

// The table over a real LevelDB store, its writes applied at once (the
// server applies them on the committer thread); a second table over the same
// store is the server after a restart.
TEST_CASE("sessions are kept in the store across a restart, by the token's hash only", "[dashboard]") {
  wardsync::test::TempDir dir("dash-sessions");
  auto db = wardsync::LevelDbStore::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  auto& store = **db;
  int writes = 0;
  auto write = [&](wardsync::WriteBatch batch, bool) {
    ++writes;
    REQUIRE(store.Write(batch, true).ok());
  };
  const uint64_t idle = 10 * 60 * 1000;
  dashboard::SessionTable before(idle);
  REQUIRE(before.Persist(store, write, 1'000).ok());
  auto s = before.Create("alice", "scrypt-hash-1", "10.0.0.1", 1'000);
  auto gone = before.Create("bob", "scrypt-hash-2", "10.0.0.2", 1'000);
  before.End(gone);
  CHECK(before.Touch(s.id, 2'000));  // within a minute of the last write: no write
  const int after_create = writes;
  CHECK(before.Touch(s.id, 1'000 + dashboard::SessionTable::kSaveEveryMs));
  CHECK(writes == after_create + 1);  // the last use is written once a minute

  // Only the hash of the token is a key, and neither token is stored anywhere.
  int stored = 0;
  for (auto it = store.Scan(""); it->Valid(); it->Next()) {
    CHECK(std::string(it->key()).find(s.id) == std::string::npos);
    CHECK(std::string(it->value()).find(s.id) == std::string::npos);
    CHECK(std::string(it->value()).find("scrypt-hash-1") == std::string::npos);
    stored += std::string(it->key()).rfind("sess/", 0) == 0;
  }
  CHECK(stored == 1);  // bob logged out

  SECTION("a restart keeps the session, its CSRF token and its password check") {
    dashboard::SessionTable after(idle);
    REQUIRE(after.Persist(store, write, 70'000).ok());
    auto back = after.Touch(s.id, 70'000);
    REQUIRE(back);
    CHECK(back->user == "alice");
    CHECK(back->csrf == s.csrf);
    CHECK(back->SamePassword("scrypt-hash-1"));
    CHECK_FALSE(back->SamePassword("scrypt-hash-changed"));
    CHECK_FALSE(after.Touch(gone.id, 70'000));
  }
  SECTION("one idle too long before the restart is refused and deleted") {
    dashboard::SessionTable after(idle);
    const uint64_t late = 1'000 + dashboard::SessionTable::kSaveEveryMs + idle + 1;
    REQUIRE(after.Persist(store, write, late).ok());
    CHECK_FALSE(after.Touch(s.id, late));
    std::string value;
    CHECK(store.Get(wardsync::server::keys::DashSession(wardsync::crypto::Hex(wardsync::crypto::Sha256(s.id))), &value)
              .not_found());
  }
}

TEST_CASE("wrong passwords are slowed down per name and per address", "[dashboard]") {
  dashboard::SessionTable t;
  const uint64_t now = 1'000'000;
  for (int i = 0; i < 3; ++i) {
    t.Failed("bob", "10.0.0.2", now);
    CHECK(t.RetryAfterS("bob", "10.0.0.2", now) == 0);  // three free tries
  }
  t.Failed("bob", "10.0.0.2", now);
  CHECK(t.RetryAfterS("bob", "10.0.0.2", now) == 1);
  CHECK(t.RetryAfterS("bob", "10.9.9.9", now) == 1);    // the name is slowed from anywhere
  CHECK(t.RetryAfterS("carol", "10.0.0.2", now) == 1);  // and the address for any name
  t.Failed("bob", "10.0.0.2", now);
  CHECK(t.RetryAfterS("bob", "10.0.0.2", now) == 2);    // doubling
  CHECK(t.RetryAfterS("bob", "10.0.0.2", now + 2000) == 0);
  t.Succeeded("bob", "10.0.0.2");
  t.Failed("bob", "10.0.0.2", now);
  CHECK(t.RetryAfterS("bob", "10.0.0.2", now) == 0);
}

TEST_CASE("command output is cut down to the account's wards", "[dashboard]") {
  accounts::WardScope one;
  one.all = false;
  one.wards = {"w1"};
  const std::string devices = R"([{"id":"a","ward":"w1"},{"id":"b","ward":"w2"}])";
  auto kept = dashboard::KeepWards(devices, one, "ward");
  REQUIRE(kept.ok());
  CHECK(kept->find("\"a\"") != std::string::npos);
  CHECK(kept->find("\"b\"") == std::string::npos);
  const std::string report = R"({"wards":[{"ward":"w1"},{"ward":"w2"}],"total":{"devices":9}})";
  auto r = dashboard::KeepWards(report, one, "ward", "wards");
  REQUIRE(r.ok());
  CHECK(r->find("w2") == std::string::npos);
  CHECK(r->find("total") == std::string::npos);  // city figures tell about other wards
  accounts::WardScope all;
  CHECK(*dashboard::KeepWards(report, all, "ward", "wards") == report);
  CHECK_FALSE(dashboard::KeepWards("not json", one, "ward").ok());
}

TEST_CASE("an enrollment code is drawn as an SVG QR code", "[dashboard]") {
  auto svg = dashboard::QrSvg("wardsync1:abcdefghijklmnopqrstuvwxyz0123456789");
  REQUIRE(svg.ok());
  CHECK(svg->rfind("<svg id=\"enroll-qr\"", 0) == 0);
  CHECK(svg->find("h1v1h-1z") != std::string::npos);
  CHECK(svg->find("<script") == std::string::npos);
}

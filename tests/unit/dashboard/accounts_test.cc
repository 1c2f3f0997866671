// Dashboard accounts and sessions: scrypt hashes, idle expiry, the login
// throttle, ward scoping of command output, the QR drawing.
#include <catch2/catch.hpp>

#include "server/accounts/password_hash.h"
#include "server/dashboard/json_scope.h"
#include "server/dashboard/qr_svg.h"
#include "server/dashboard/session_table.h"

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
  t.End(s2.id);
  CHECK_FALSE(t.Touch(s2.id, 8001));
  CHECK_FALSE(t.Touch("not-a-session", 8001));
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

// The server on PostgreSQL through the real binaries: `init --store URL`,
// devices syncing through `run`, every command on the store in the
// database, and two `run`s on one database (one active, the other taking
// over when it is killed). Each case has its own database in this binary's
// throwaway cluster (tests/support/pg_cluster.h).
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <set>

#include "tests/e2e/core/cli_fixture.h"
#include "tests/support/pg_cluster.h"

using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-trung-vuong";

// `init --store URL` with the election pack, REQUIREd to succeed.
std::function<void(const std::string&)> InitOn(const std::string& url) {
  return [url](const std::string& data) {
    auto r = RunCommand("wardsync-server",
                        {"init", "--data", data, "--forms", WARDSYNC_SOURCE_DIR "/forms/election", "--store", url});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  };
}

std::set<std::string> Ids(const JsonValue& list) {
  std::set<std::string> out;
  for (const auto& r : Items(list)) out.insert(Str(At(r, "id")));
  return out;
}

}  // namespace

TEST_CASE("two devices sync through a server whose store is in PostgreSQL", "[postgres][e2e]") {
  WARDSYNC_PG_CLUSTER_OR_SKIP(cluster);
  auto url = cluster->CreateDatabase();
  REQUIRE(url.ok());
  ServerProcess server(InitOn(*url));
  // The directory keeps keys, certificates and the URL (0600), no store.
  struct stat st {};
  REQUIRE(stat((server.data() + "/store-url").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(std::filesystem::exists(server.data() + "/db"));

  server.Start();
  ClientProcess c1(server, kWard, "officer", "Nguyễn Văn A");
  ClientProcess c2(server, kWard, "officer", "Phạm Thị D");
  const std::string a = c1.NewMeeting(100, 80);
  const std::string b = c1.NewMeeting(60, 40);
  REQUIRE(c1.Run({"edit", a, "--set", "agree=70"}).exit_code == 0);
  CHECK(Num(At(c1.Json({"sync"}), "pending")) == 0);
  const std::string c = c2.NewMeeting(30, 20);
  CHECK(Num(At(c2.Json({"sync"}), "pending")) == 0);
  CHECK(Num(At(c1.Json({"sync"}), "pending")) == 0);

  const std::set<std::string> all = {a, b, c};
  CHECK(Ids(c1.Json({"list"})) == all);
  CHECK(Ids(c2.Json({"list"})) == all);
  CHECK(Ids(server.Records()) == all);
  auto verified = server.Admin({"verify"});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);
  // The records are rows of the database's own tables.
  CHECK(cluster->Query(url->substr(url->rfind('/') + 1), "SELECT count(*) FROM ws_records").value() == "3");

  // A backup while it serves is the database's snapshot; it restores as a
  // LevelDB directory with the same records (never pointing at the database).
  TempDir backups("pg-backup");
  auto backup = server.Admin({"backup", "--out", backups.Sub("b.wsb")});
  INFO(backup.out << backup.err);
  REQUIRE(backup.exit_code == 0);
  auto restored = RunCommand("wardsync-server", {"restore", "--from", backups.Sub("b.wsb"), "--data", backups.Sub("r")});
  INFO(restored.out << restored.err);
  REQUIRE(restored.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(backups.Sub("r/store-url")));
  auto restored_records = RunCommand("wardsync-server", {"records", "--json", "--data", backups.Sub("r")});
  REQUIRE(restored_records.exit_code == 0);
  CHECK(Ids(ParseJson(restored_records.out)) == all);

  // Stopped, every command opens the store in the database itself.
  CHECK(server.Stop() == 0);
  auto offline = server.Records();
  CHECK(Ids(offline) == all);
  for (const auto& r : Items(offline)) {
    if (Str(At(r, "id")) == a) CHECK(Num(At(At(r, "fields"), "agree")) == 70);
  }
  auto verified_offline = server.Admin({"verify"});
  INFO(verified_offline.out << verified_offline.err);
  CHECK(verified_offline.exit_code == 0);
}

TEST_CASE("init --store refuses a database that holds a store or cannot be reached, leaving nothing",
          "[postgres][e2e]") {
  WARDSYNC_PG_CLUSTER_OR_SKIP(cluster);
  auto url = cluster->CreateDatabase();
  REQUIRE(url.ok());
  ServerProcess first(InitOn(*url));
  TempDir dir("pg-init");
  const std::string second = dir.Sub("second");
  auto again = RunCommand("wardsync-server", {"init", "--data", second, "--store", *url});
  CHECK(again.exit_code != 0);
  CHECK_THAT(again.err, Catch::Contains("already holds a wardsync server's store"));
  CHECK((!std::filesystem::exists(second) || std::filesystem::is_empty(second)));

  const std::string nowhere = dir.Sub("nowhere");
  auto unreachable = RunCommand(
      "wardsync-server",
      {"init", "--data", nowhere, "--store",
       "postgresql://postgres:hunter2@127.0.0.1:" + std::to_string(FreeLoopbackPort()) + "/none"});
  CHECK(unreachable.exit_code != 0);
  CHECK_THAT(unreachable.err, Catch::Contains("cannot connect to PostgreSQL"));
  CHECK_THAT(unreachable.err, !Catch::Contains("hunter2"));  // the password is not shown
  CHECK((!std::filesystem::exists(nowhere) || std::filesystem::is_empty(nowhere)));

  const std::string unknown_dir = dir.Sub("unknown");
  auto unknown = RunCommand("wardsync-server", {"init", "--data", unknown_dir, "--store", "mysql://x/y"});
  CHECK(unknown.exit_code != 0);
  CHECK_THAT(unknown.err, Catch::Contains("unknown store"));
  CHECK_FALSE(std::filesystem::exists(unknown_dir));  // refused before anything is made
}

TEST_CASE("two servers on one database: the second waits, takes over when the active one is killed mid-push, "
          "and nothing is lost",
          "[postgres][e2e]") {
  WARDSYNC_PG_CLUSTER_OR_SKIP(cluster);
  auto url = cluster->CreateDatabase();
  REQUIRE(url.ok());
  const std::string db = url->substr(url->rfind('/') + 1);
  ServerProcess active(InitOn(*url));
  // The standby server: a copy of the data directory (same keys, same
  // certificate, same store URL) on another machine, here another dir.
  TempDir standby_dir("pg-standby");
  const std::string standby_data = standby_dir.Sub("srv");
  std::filesystem::copy(active.data(), standby_data, std::filesystem::copy_options::recursive);
  active.Start();

  Process standby("wardsync-server", {"run", "--data", standby_data, "--listen", active.address()});
  INFO("standby: " << standby.err());
  REQUIRE(standby.WaitForStderrLine("waiting to take over", std::chrono::seconds(20)).has_value());
  CHECK(standby.running());

  ClientProcess c1(active, kWard, "officer", "Nguyễn Văn A");
  ClientProcess c2(active, kWard, "officer", "Phạm Thị D");
  std::set<std::string> made;
  for (int i = 0; i < 12; ++i) {
    made.insert(c1.NewMeeting(100 + i, 50));
    made.insert(c2.NewMeeting(200 + i, 60));
  }
  const std::string before =
      cluster->Query(db, "SELECT count(*) FROM ws_change_sets").value();
  // Both push at once; the active server dies as soon as the first of
  // their change-sets is committed.
  Process push1("wardsync", c1.Args({"sync"}));
  Process push2("wardsync", c2.Args({"sync"}));
  bool committed = false;
  for (int i = 0; i < 2000 && !committed; ++i) {
    committed = cluster->Query(db, "SELECT count(*) FROM ws_change_sets").value() != before;
    if (!committed) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(committed);
  CHECK(active.Stop(9) == 128 + 9);
  push1.Wait(std::chrono::seconds(30));
  push2.Wait(std::chrono::seconds(30));

  // The standby takes over on the same address.
  REQUIRE(standby.WaitForStderrLine("listening on ", std::chrono::seconds(30)).has_value());
  for (ClientProcess* c : {&c1, &c2}) {
    auto r = c->Run({"sync"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(Num(At(c->Json({"status"}), "pending")) == 0);
  }
  REQUIRE(c1.Run({"sync"}).exit_code == 0);  // c1 pulls what c2 pushed after it
  CHECK(Ids(c1.Json({"list"})) == made);
  CHECK(Ids(c2.Json({"list"})) == made);
  auto records = RunCommand("wardsync-server", {"records", "--json", "--data", standby_data});
  REQUIRE(records.exit_code == 0);
  CHECK(Ids(ParseJson(records.out)) == made);
  auto verified = RunCommand("wardsync-server", {"verify", "--data", standby_data});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);
  standby.Signal(15);
  CHECK(standby.Wait(std::chrono::seconds(10)) == 0);
}

// Acknowledged means on the standby too: the server's store on a primary
// with a synchronous hot standby (pg_basebackup -R, streaming replication,
// synchronous_standby_names = '*'). The primary dies during pushes from
// several devices; the standby is promoted and the server started on it:
// every change-set a device was told is stored is there, and after the
// devices sync again everything is, each once (verify).
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "common/util/files.h"
#include "tests/e2e/core/cli_fixture.h"
#include "tests/support/pg_cluster.h"

using namespace wardsync::test;

namespace {

std::set<std::string> Ids(const JsonValue& list) {
  std::set<std::string> out;
  for (const auto& r : Items(list)) out.insert(Str(At(r, "id")));
  return out;
}

}  // namespace

TEST_CASE("a synchronous standby has every acknowledged change-set when the primary dies mid-push",
          "[postgres-standby][e2e]") {
  WARDSYNC_PG_CLUSTER_OR_SKIP(shared);  // PostgreSQL can run here
  auto primary = PgCluster::Start("pg-primary");
  INFO(primary.status().message());
  REQUIRE(primary.ok());
  auto url = (*primary)->CreateDatabase();
  REQUIRE(url.ok());
  const std::string db = url->substr(url->rfind('/') + 1);
  auto standby = PgCluster::StartStandby(**primary);
  INFO(standby.status().message());
  REQUIRE(standby.ok());
  REQUIRE((*primary)->RequireSynchronousStandby().ok());

  ServerProcess server([&](const std::string& data) {
    auto r = RunCommand("wardsync-server",
                        {"init", "--data", data, "--forms", WARDSYNC_SOURCE_DIR "/forms/election", "--store", *url});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  });
  server.Start();
  std::vector<std::unique_ptr<ClientProcess>> devices;
  for (int d = 0; d < 3; ++d) {
    devices.push_back(std::make_unique<ClientProcess>(server, "phuong-trung-vuong", "officer",
                                                      "Cán bộ " + std::to_string(d)));
  }
  // Rounds of capture and push from the three devices at once; the primary
  // dies (pg_ctl stop -m immediate) once some rounds are committed, while
  // the rounds go on.
  const int before = std::stoi((*primary)->Query(db, "SELECT count(*) FROM ws_change_sets").value());
  std::atomic<bool> crashed{false};
  std::thread killer([&] {
    for (int i = 0; i < 6000; ++i) {
      auto n = (*primary)->Query(db, "SELECT count(*) FROM ws_change_sets");
      if (n.ok() && std::stoi(*n) >= before + 7) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    crashed = (*primary)->Crash().ok();
  });
  std::vector<std::vector<std::string>> made(3);  // per device, in the order made
  for (int round = 0; round < 6; ++round) {
    std::vector<std::unique_ptr<Process>> pushes;
    for (int d = 0; d < 3; ++d) {
      made[d].push_back(devices[d]->NewMeeting(100 + round, 50 + d));
      pushes.push_back(std::make_unique<Process>("wardsync", devices[d]->Args({"sync"})));
    }
    for (auto& p : pushes) p->Wait(std::chrono::seconds(60));
  }
  killer.join();
  REQUIRE(crashed);
  server.Stop(9);  // its store refuses writes now (fail-stop); the service restarts it

  // What each device was told is stored: its oldest records, the ones no
  // longer in its outbox (each record here is one change-set, acknowledged
  // in order).
  std::set<std::string> acknowledged, all;
  for (int d = 0; d < 3; ++d) {
    const auto pending = static_cast<size_t>(Num(At(devices[d]->Json({"status"}), "pending")));
    REQUIRE(pending <= made[d].size());
    acknowledged.insert(made[d].begin(), made[d].end() - static_cast<long>(pending));
    all.insert(made[d].begin(), made[d].end());
  }
  // The rounds before the one the primary died in were all acknowledged.
  CHECK(acknowledged.size() >= 6);

  // Failover: promote the standby and point the server at it.
  REQUIRE((*standby)->Promote().ok());
  const std::string new_url = (*standby)->Url(db);
  REQUIRE(wardsync::util::WriteFileAtomic(server.data() + "/store-url", new_url + "\n", 0600).ok());
  server.Start();
  const std::set<std::string> on_standby = Ids(server.Records());
  for (const auto& id : acknowledged) {
    INFO("acknowledged but missing on the promoted standby: " << id);
    CHECK(on_standby.count(id) == 1);
  }
  // The devices push the rest to the new primary: nothing lost, none twice.
  for (auto& c : devices) {
    auto r = c->Run({"sync"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(Num(At(c->Json({"status"}), "pending")) == 0);
  }
  CHECK(Ids(server.Records()) == all);
  auto verified = server.Admin({"verify"});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);
  CHECK(server.Stop() == 0);
}

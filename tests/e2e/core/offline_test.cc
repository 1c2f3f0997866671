// Nothing the officer saved is lost: not with the server down, not when a
// client process is killed with SIGKILL right after `new` or in the middle of
// `sync`.
#include <catch2/catch.hpp>

#include <signal.h>

#include <set>
#include <thread>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

namespace {
const std::string kWard = "phuong-tan-lap";
}

TEST_CASE("sync with the server down fails clearly and loses nothing", "[e2e]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  REQUIRE(server.Stop() == 0);

  const std::string id = c.NewMeeting();
  auto failed = c.Run({"sync"});
  CHECK(failed.exit_code != 0);
  INFO(failed.err);
  CHECK(failed.err.find("sync failed") != std::string::npos);
  CHECK(failed.err.find(server.address()) != std::string::npos);
  CHECK(failed.err.find("nothing is lost") != std::string::npos);

  auto status = c.Json({"status"});
  CHECK(Num(At(status, "pending")) == 1);
  CHECK_FALSE(IsNull(At(status, "last_error")));
  REQUIRE(Items(c.Json({"list"})).size() == 1);
  CHECK(Str(At(c.Json({"show", id}), "id")) == id);

  server.Start();  // same port
  auto ok = c.Run({"sync"});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(Num(At(c.Json({"status"}), "pending")) == 0);
  auto records = server.Records();
  REQUIRE(Items(records).size() == 1);
  CHECK(Str(At(Items(records)[0], "id")) == id);
}

TEST_CASE("a client killed with SIGKILL right after new still has the record", "[e2e]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  REQUIRE(server.Stop() == 0);

  std::vector<std::string> args = {"new", "--form", "voter-meeting"};
  for (auto& s : MeetingSets(300, 250, Candidate(3))) args.push_back(s);
  Process p("wardsync", c.Args(args));
  // The id is printed only after the durable write: kill the moment it shows.
  auto line = p.WaitForStdoutLine("", std::chrono::seconds(20));
  REQUIRE(line.has_value());
  p.Signal(SIGKILL);
  p.Wait();
  const std::string id = *line;
  REQUIRE(id.size() == 32);

  auto shown = c.Json({"show", id});
  CHECK(Num(At(At(shown, "fields"), "attended")) == 250);
  CHECK(Num(At(c.Json({"status"}), "pending")) == 1);

  server.Start();
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  CHECK(Items(server.Records()).size() == 1);
}

TEST_CASE("syncs killed with SIGKILL at any point lose nothing and send nothing twice", "[e2e]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.insert(c.NewMeeting(100 + i, 50 + i, Candidate(i)));

  // Kill a sync at different points of its life: before it runs, while it
  // connects, in the middle of push or pull, after it is done. The delays
  // only vary where the kill lands; nothing waits on them for a result.
  for (int delay_ms : {0, 2, 5, 10, 30}) {
    ids.insert(c.NewMeeting(200 + delay_ms, 100, Candidate(delay_ms)));
    Process p("wardsync", c.Args({"sync"}));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    p.Signal(SIGKILL);
    REQUIRE(p.Wait().has_value());
    // Whatever it got to, the store opens and every record is there.
    CHECK(Items(c.Json({"list"})).size() == ids.size());
    CHECK(Num(At(c.Json({"status"}), "pending")) <= static_cast<double>(ids.size()));
  }

  auto ok = c.Run({"sync"});
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(Num(At(c.Json({"status"}), "pending")) == 0);
  auto records = server.Records();
  std::set<std::string> on_server;
  for (const auto& r : Items(records)) on_server.insert(Str(At(r, "id")));
  CHECK(on_server == ids);
  CHECK(Items(records).size() == ids.size());
  // The device's chain on the server: one change-set per record, no more.
  auto devices = ParseJson(server.Admin({"devices", "--json"}).out);
  REQUIRE(Items(devices).size() == 1);
  CHECK(Num(At(Items(devices)[0], "last_seq")) == static_cast<double>(ids.size()));
  CHECK(server.Stop() == 0);
}

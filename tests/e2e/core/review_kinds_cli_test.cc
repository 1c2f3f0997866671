// Issue 9 §2 through the two real binaries: two officers' offline edits
// (agree=55 / attended=52), each valid alone, merge into a record that breaks
// "agree + disagree <= attended". The server keeps both values, opens a rule
// conflict, marks the record in records/report/export, and `correct` - an
// edit signed by the server key, with its reason - makes the rule hold,
// closes the conflict and shows in history. The server keeps serving
// throughout (the admin commands go over its control socket).
#include <catch2/catch.hpp>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-trung-vuong";

CommandResult Ok(ServerProcess& s, std::vector<std::string> args) {
  auto r = s.Admin(args);
  INFO("wardsync-server " << args[0] << "\n" << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

void Sync(ClientProcess& c) {
  auto r = c.Run({"sync"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("a merge breaking a form rule is reviewed, not summed, and corrected on the server", "[e2e]") {
  ServerProcess server;
  server.Start();
  ClientProcess a(server, kWard, "officer", "Nguyễn Văn An");
  ClientProcess b(server, kWard, "officer", "Lê Thị Hoa");
  const std::string id = a.NewMeeting(100, 60);
  Sync(a);
  Sync(b);
  REQUIRE(a.Run({"edit", id, "--set", "agree=55"}).exit_code == 0);
  REQUIRE(b.Run({"edit", id, "--set", "attended=52"}).exit_code == 0);
  Sync(a);
  Sync(b);

  auto queue = Ok(server, {"conflicts", "--json"}).out;
  CHECK(queue.find("\"kind\":\"rule\"") != std::string::npos);
  CHECK(queue.find("\"id\":\"" + id + ":rule\"") != std::string::npos);
  CHECK(Ok(server, {"records"}).out.find("RULE BROKEN: agree + disagree <= attended") != std::string::npos);
  const std::string report = Ok(server, {"report"}).out;
  CHECK(report.find("105.8%") == std::string::npos);
  CHECK(report.find("under review") != std::string::npos);
  CHECK(report.find("agree=55, disagree=(empty), attended=52") != std::string::npos);
  CHECK(Ok(server, {"export", "--form", "voter-meeting"}).out.find("RULE BROKEN") != std::string::npos);

  // A correction that would still break the rule changes nothing.
  auto refused = server.Admin({"correct", id, "--set", "agree=53", "--reason", "x"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("agree + disagree <= attended") != std::string::npos);

  auto corrected = Ok(server, {"correct", id, "--set", "agree=50", "--reason", "minutes say 50 agreed of 52"});
  CHECK(corrected.out.find("agree 55 -> 50") != std::string::npos);
  CHECK(corrected.out.find("closed conflict " + id + ":rule") != std::string::npos);
  CHECK(Ok(server, {"conflicts", "--json"}).out == "[]\n");
  CHECK(Ok(server, {"report"}).out.find("agree 50 of 52") != std::string::npos);
  const std::string history = Ok(server, {"history", id}).out;
  CHECK(history.find("opened conflict " + id + ":rule (rule: agree + disagree <= attended") != std::string::npos);
  CHECK(history.find("reason: minutes say 50 agreed of 52") != std::string::npos);
  Ok(server, {"verify"});

  // Both officers get the correction at their next sync.
  Sync(a);
  Sync(b);
  CHECK(Num(At(At(a.Json({"show", id}), "fields"), "agree")) == 50);
  CHECK(Num(At(At(b.Json({"show", id}), "fields"), "agree")) == 50);
  CHECK(server.Stop() == 0);
}

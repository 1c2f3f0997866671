// Unique keys through the two real binaries (issue 13, FormDef.unique_key):
// two officers of one ward file the turnout of the same polling area at the
// same checkpoint. The later record becomes a DUPLICATE conflict naming the
// first; `conflicts` lists it, `report --json` names it and sums the area
// once; a reviewer's `resolve --delete` closes it and `verify` replays it.
#include <catch2/catch.hpp>

#include <set>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-trung-vuong";
// Two of its polling areas in the pack's published list (turnout-report 2
// picks the area there).
const std::string kArea1 = kWard + "-kv01", kArea2 = kWard + "-kv02";

CommandResult Ok(ServerProcess& s, std::vector<std::string> args) {
  auto r = s.Admin(args);
  INFO("wardsync-server " << args[0] << "\n" << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

std::string Turnout(ClientProcess& c, const std::string& area, int registered, int votes) {
  auto r = c.Run({"new", "--form", "turnout-report", "--set", "polling_area=" + area, "--set",
                  "report_date=2021-05-23", "--set", "report_time=19h", "--set",
                  "registered_voters=" + std::to_string(registered), "--set", "votes_cast=" + std::to_string(votes)});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string id = r.out.substr(0, r.out.find_first_of("\r\n"));
  REQUIRE(id.size() == 32);
  return id;
}

void Sync(ClientProcess& c) {
  auto r = c.Run({"sync"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

const JsonValue& Ward19h(const JsonValue& report) {
  for (const auto& w : Items(At(report, "wards"))) {
    if (Str(At(w, "ward")) != kWard) continue;
    for (const auto& c : Items(At(At(w, "turnout"), "checkpoints"))) {
      if (Str(At(c, "checkpoint")) == "19h") return c;
    }
  }
  FAIL("no 19h checkpoint of " << kWard);
  throw std::logic_error("unreachable");
}

std::set<std::string> Named(const JsonValue& report) {
  std::set<std::string> ids;
  for (const auto& item : Items(At(At(report, "total"), "under_review"))) ids.insert(Str(At(item, "record")));
  return ids;
}

}  // namespace

TEST_CASE("the same turnout checkpoint filed twice in a ward is a DUPLICATE conflict, named and summed once",
          "[e2e][report][duplicate]") {
  ServerProcess server;
  server.Start();
  ClientProcess a(server, kWard, "officer", "Nguyễn Văn An");
  ClientProcess b(server, kWard, "officer", "Lê Thị Hoa");
  const std::string first = Turnout(a, kArea1, 700, 610);
  Turnout(a, kArea2, 650, 600);
  Sync(a);
  const std::string second = Turnout(b, kArea1, 700, 615);  // offline, the same area and checkpoint
  Sync(b);

  const std::string cid = second + ":duplicate";
  const JsonValue queue = ParseJson(Ok(server, {"conflicts", "--json"}).out);
  REQUIRE(Items(queue).size() == 1);
  const JsonValue& c = Items(queue)[0];
  CHECK(Str(At(c, "kind")) == "duplicate");
  CHECK(Str(At(c, "id")) == cid);
  CHECK(Str(At(c, "record")) == second);
  CHECK(Str(At(c, "duplicate_of")) == first);
  CHECK(Str(At(c, "unique_key")) == "polling_area=" + kArea1 + ", report_time=19h");
  const std::string text = Ok(server, {"conflicts"}).out;
  CHECK(text.find("kind   duplicate") != std::string::npos);
  CHECK(text.find("as     record " + first) != std::string::npos);

  // An edit of the first report (its key unchanged) does not flag it too.
  Sync(a);
  REQUIRE(a.Run({"edit", first, "--set", "votes_cast=611"}).exit_code == 0);
  Sync(a);
  CHECK(Items(ParseJson(Ok(server, {"conflicts", "--json"}).out)).size() == 1);

  // Summed once (the first report), the second named under review.
  const JsonValue report = ParseJson(Ok(server, {"report", "--json", "--today", "2021-05-23"}).out);
  CHECK(Num(At(Ward19h(report), "votes_cast")) == 611 + 600);
  CHECK(Num(At(Ward19h(report), "areas")) == 2);
  CHECK(Named(report) == std::set<std::string>{second});

  // Wrong ways to resolve it change nothing.
  CHECK(server.Admin({"resolve", cid, "--pick", "1", "--reason", "x"}).exit_code != 0);
  CHECK(server.Admin({"resolve", cid, "--set", "votes_cast=1", "--reason", "x"}).exit_code != 0);
  CHECK(Items(ParseJson(Ok(server, {"conflicts", "--json"}).out)).size() == 1);

  auto resolved = Ok(server, {"resolve", cid, "--delete", "--reason", "the same minutes sent twice"});
  CHECK(resolved.out.find("the record is deleted") != std::string::npos);
  CHECK(Ok(server, {"conflicts", "--json"}).out == "[]\n");
  const JsonValue after = ParseJson(Ok(server, {"report", "--json", "--today", "2021-05-23"}).out);
  CHECK(Num(At(Ward19h(after), "votes_cast")) == 611 + 600);
  CHECK(Named(after).empty());
  Ok(server, {"verify"});  // replaying the log gives the same conflict and its resolution

  // The officer's device learns the decision at its next sync.
  Sync(b);
  CHECK(b.Run({"show", second}).out.find("deleted") != std::string::npos);
  CHECK(server.Stop() == 0);
}

// Vote-count minutes through the real binaries: `new --from-json` with a
// repeat group of candidates, a refused record (a broken rule, same message
// as --set), and two officers editing different rows of the same minutes
// offline with `edit --from-json`, merged by the server without a conflict.
#include <catch2/catch.hpp>

#include <fstream>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-tan-thinh";

std::string WriteJson(const TempDir& dir, const std::string& name, const std::string& json) {
  const std::string path = dir.Sub(name);
  std::ofstream(path, std::ios::binary) << json;
  return path;
}

// The polling area and candidates are values of the lists the pack publishes
// (forms/election/choices/), as tally-minutes 4 requires.
const char* kMinutes = R"({
  "level": "quoc-hoi", "constituency": "qh-dv1", "polling_area": "phuong-tan-thinh-kv02", "seats": 2,
  "voters_listed": 800, "voters_voted": 760, "ballots_issued": 760, "ballots_received": 758,
  "valid_ballots": 750, "invalid_ballots": 8, "counted_at": "21:15",
  "candidates": [{"_row": "a", "candidate": "qh-dv1-nguyen-van-hung", "votes": 600},
                 {"_row": "b", "candidate": "qh-dv1-tran-thi-lan", "votes": 500},
                 {"_row": "c", "candidate": "qh-dv1-le-minh-tuan", "votes": 300}]
})";

}  // namespace

TEST_CASE("tally minutes with --from-json, and rows edited on two devices merge", "[e2e]") {
  ServerProcess server;
  server.Start();
  ClientProcess c1(server, kWard, "officer", "Nguyễn Văn A");
  ClientProcess c2(server, kWard, "officer", "Trần Thị B");
  TempDir files("e2e-json");

  auto made = c1.Run({"new", "--form", "tally-minutes", "--from-json", WriteJson(files, "m.json", kMinutes)});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const std::string id = made.out.substr(0, made.out.find('\n'));

  // A broken rule is refused with the form, the rule, the values and the label; nothing stored.
  std::string bad = kMinutes;
  bad.replace(bad.find("\"invalid_ballots\": 8"), 20, "\"invalid_ballots\": 9");
  auto refused = c1.Run({"new", "--form", "tally-minutes", "--from-json", WriteJson(files, "bad.json", bad)});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("rule \"valid_ballots + invalid_ballots = ballots_received\" fails: valid_ballots=750, "
                         "invalid_ballots=9, ballots_received=758") != std::string::npos);
  auto both = c1.Run({"new", "--form", "tally-minutes", "--from-json", "x.json", "--set", "seats=1"});
  CHECK(both.exit_code == 2);
  CHECK(Items(c1.Json({"list"})).size() == 1);

  REQUIRE(c1.Run({"sync"}).exit_code == 0);
  REQUIRE(c2.Run({"sync"}).exit_code == 0);
  // Offline, each fixes one row.
  auto e1 = c1.Run({"edit", id, "--from-json",
                    WriteJson(files, "e1.json", R"({"candidates": [{"_row": "a", "votes": 610}, {"_row": "b"}, {"_row": "c"}]})")});
  INFO(e1.err);
  REQUIRE(e1.exit_code == 0);
  auto e2 = c2.Run({"edit", id, "--from-json",
                    WriteJson(files, "e2.json", R"({"candidates": [{"_row": "a"}, {"_row": "b"}, {"_row": "c", "votes": 310}]})")});
  INFO(e2.err);
  REQUIRE(e2.exit_code == 0);
  REQUIRE(c1.Run({"sync"}).exit_code == 0);
  REQUIRE(c2.Run({"sync"}).exit_code == 0);
  REQUIRE(c1.Run({"sync"}).exit_code == 0);

  auto shown = c1.Json({"show", id});
  const auto& fields = At(shown, "fields");
  CHECK(Num(At(fields, "candidates[a].votes")) == 610);
  CHECK(Num(At(fields, "candidates[c].votes")) == 310);
  CHECK(Num(At(fields, "candidates[b].votes")) == 500);
  auto conflicts = c1.Json({"conflicts"});
  CHECK(Items(conflicts).empty());
}

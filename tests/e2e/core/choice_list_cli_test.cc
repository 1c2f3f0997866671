// Choice lists through the real binaries: `init --forms` publishes the
// pack's lists, `choices publish` (a bad list is refused and changes
// nothing), a device gets the lists at its next sync, `forms` shows the entries of its ward, a capture inside the list is kept
// and one outside it refused with the list's words, and `report` keys the
// vote totals by the list value and shows the label.
#include <catch2/catch.hpp>

#include <fstream>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

namespace {

const std::string kPack = WARDSYNC_SOURCE_DIR "/forms/election";
const std::string kWard = "phuong-cam-gia";

std::string Minutes(const std::string& area, const std::string& a, const std::string& b,
                    const std::string& constituency = "phuong-cam-gia-dv1") {
  return R"({"level": "hdnd-phuong-xa", "constituency": ")" + constituency + R"(", "polling_area": ")" + area +
         R"(", "seats": 2, "voters_listed": 800, "voters_voted": 760, "ballots_issued": 760,
  "ballots_received": 758, "valid_ballots": 750, "invalid_ballots": 8,
  "candidates": [{"_row": "a", "candidate": ")" + a + R"(", "votes": 600},
                 {"_row": "b", "candidate": ")" + b + R"(", "votes": 500}]})";
}

}  // namespace

TEST_CASE("choice lists: publish, sync to a device, capture in and outside the list, report by value", "[e2e][choices]") {
  ServerProcess server;
  server.Start();
  TempDir files("e2e-choices");

  // `init --forms` published the pack's lists (forms/election/choices/) with
  // its forms, tally-minutes 4 among them.
  auto before = server.Admin({"choices", "list", "--json"});
  REQUIRE(before.exit_code == 0);
  CHECK(Items(ParseJson(before.out)).size() == 3);  // candidates, constituencies, polling-areas

  // A list with one value twice is refused, and nothing is published.
  const std::string bad = files.Sub("bad.json");
  std::ofstream(bad, std::ios::binary)
      << R"({"id": "candidates", "version": 2, "entries": [{"value": "a", "label": "A"}, {"value": "a", "label": "B"}]})";
  auto refused = server.Admin({"choices", "publish", bad});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("entry #2 \"a\": value appears twice") != std::string::npos);
  auto after = server.Admin({"choices", "list", "--json"});
  REQUIRE(after.exit_code == 0);
  CHECK(after.out == before.out);

  // Publishing the same lists again changes nothing.
  auto again = server.Admin({"choices", "publish", kPack + "/choices"});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("unchanged choice list candidates@1") != std::string::npos);
  CHECK(again.out.find("unchanged choice list polling-areas@1") != std::string::npos);
  CHECK(again.out.find("unchanged choice list constituencies@1") != std::string::npos);
  auto listed = server.Admin({"choices", "list", "--id", "candidates"});
  CHECK(listed.out.find("qh-dv1-nguyen-van-hung  Nguyễn Văn Hùng") != std::string::npos);

  ClientProcess officer(server, kWard);
  REQUIRE(officer.Run({"sync"}).exit_code == 0);
  // `forms` lists the entries this ward's officer is offered.
  auto shown = officer.Run({"forms"});
  REQUIRE(shown.exit_code == 0);
  CHECK(shown.out.find("candidates[ROW].candidate  choice, required, from the list candidates") != std::string::npos);
  CHECK(shown.out.find("phuong-cam-gia-nguyen-thi-hoa  Nguyễn Thị Hoa") != std::string::npos);
  CHECK(shown.out.find("xa-tan-cuong-ha-van-quan") == std::string::npos);  // another ward's candidate
  CHECK(shown.out.find("phuong-cam-gia-kv01  Khu vực bỏ phiếu số 1 – Phường Cam Giá") != std::string::npos);

  const std::string good = files.Sub("good.json");
  std::ofstream(good, std::ios::binary)
      << Minutes("phuong-cam-gia-kv01", "phuong-cam-gia-nguyen-thi-hoa", "phuong-cam-gia-tran-van-long");
  auto made = officer.Run({"new", "--form", "tally-minutes", "--from-json", good});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);

  // A name typed instead of picked is refused at capture; nothing stored.
  const std::string typed = files.Sub("typed.json");
  std::ofstream(typed, std::ios::binary) << Minutes("phuong-cam-gia-kv02", "Nguyễn Thị Hoa", "phuong-cam-gia-tran-van-long");
  auto outside = officer.Run({"new", "--form", "tally-minutes", "--from-json", typed});
  CHECK(outside.exit_code == 1);
  CHECK(outside.err.find("\"Nguyễn Thị Hoa\" is not one of: ") != std::string::npos);
  // So is a constituency typed as version 3 took it.
  const std::string number = files.Sub("number.json");
  std::ofstream(number, std::ios::binary)
      << Minutes("phuong-cam-gia-kv02", "phuong-cam-gia-nguyen-thi-hoa", "phuong-cam-gia-tran-van-long", "1");
  auto typed_unit = officer.Run({"new", "--form", "tally-minutes", "--from-json", number});
  CHECK(typed_unit.exit_code == 1);
  CHECK(typed_unit.err.find("tally-minutes: field \"constituency\": \"1\" is not one of: qh-dv1, tp-dv1, tp-dv2, "
                            "phuong-cam-gia-dv1, xa-tan-cuong-dv1") != std::string::npos);
  CHECK(Items(officer.Json({"list"})).size() == 1);

  REQUIRE(officer.Run({"sync"}).exit_code == 0);
  auto report = server.Admin({"report", "--json", "--form", "tally-minutes"});
  INFO(report.err);
  REQUIRE(report.exit_code == 0);
  const auto parsed = ParseJson(report.out);
  std::map<std::string, std::pair<std::string, double>> votes;  // value -> (label, votes)
  for (const auto& l : Items(At(At(At(parsed, "total"), "votes"), "levels"))) {
    for (const auto& c : Items(At(l, "constituencies"))) {
      for (const auto& v : Items(At(c, "candidates"))) {
        votes[Str(At(v, "candidate"))] = {Str(At(v, "full_name")), Num(At(v, "votes"))};
      }
    }
  }
  REQUIRE(votes.size() == 2);
  CHECK(votes["phuong-cam-gia-nguyen-thi-hoa"].first == "Nguyễn Thị Hoa");
  CHECK(votes["phuong-cam-gia-nguyen-thi-hoa"].second == 600);
  CHECK(votes["phuong-cam-gia-tran-van-long"].second == 500);
}

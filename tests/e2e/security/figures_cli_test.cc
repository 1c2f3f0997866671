// Falsified figures through the real binaries (issue 10): counts each valid
// alone that overflow when `report` sums them are reported as an overflow,
// never wrapped.
#include <catch2/catch.hpp>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

TEST_CASE("report: counts that overflow when summed are reported, never wrapped", "[e2e][security][figures]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, "phuong-trung-vuong");
  c.NewMeeting(3270, 95);
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  auto ok = server.Admin({"report"});
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.find("1 held, 3270 invited, 95 attended") != std::string::npos);

  // Two records, each a valid int64 count: with the first, the city's
  // invited passes 2^64 (wrapped, it would read 3268).
  const std::string max = "9223372036854775807";
  for (int i = 0; i < 2; ++i) {
    auto r = c.Run({"new", "--form", "voter-meeting", "--set", "candidate=Trần Thị Bình", "--set",
                    "meeting_date=2026-02-10", "--set", "invited=" + max, "--set", "attended=10"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  auto text = server.Admin({"report"});
  CHECK(text.exit_code == 1);
  CHECK(text.out.find("3 held, OVERFLOW invited, 115 attended") != std::string::npos);
  CHECK(text.out.find("3268") == std::string::npos);
  CHECK(text.err.find("OVERFLOW") != std::string::npos);
  auto json = server.Admin({"report", "--json"});
  CHECK(json.exit_code == 1);
  const JsonValue total = At(At(ParseJson(json.out), "total"), "voter_meetings");
  CHECK(Bool(At(total, "overflow")));
  CHECK(IsNull(At(total, "invited")));
  CHECK(Num(At(total, "attended")) == 115);
  CHECK(server.Stop() == 0);
}

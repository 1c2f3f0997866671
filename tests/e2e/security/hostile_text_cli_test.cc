// Falsified figures and hostile text through the real binaries (issue 10):
// counts each valid alone that overflow when `report` sums them are
// reported as an overflow, never wrapped; officer text with terminal escape
// codes reaches the administrator's terminal only escaped.
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
    auto r = c.Run({"new", "--form", "voter-meeting", "--set", "candidate=qh-dv1-tran-thi-lan", "--set",
                    "place=noi-cu-tru", "--set", "meeting_date=2026-02-10", "--set", "invited=" + max, "--set", "attended=10"});
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

TEST_CASE("officer text with terminal escape codes is shown escaped by records, history, show, conflicts",
          "[e2e][security][terminal]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, "phuong-trung-vuong", "officer", "Nguyễn\x1b]0;owned\x07 Văn An");
  const std::string evil = "Trần Thị Bình\x1b[2J\x1b[1;1Hagree 100%\xc2\x9b" "31m";
  // The candidate is picked from the published list (voter-meeting 2): the
  // officer's free text is in `notes`.
  auto made = c.Run({"new", "--form", "voter-meeting", "--set", "candidate=qh-dv1-tran-thi-lan", "--set",
                     "place=noi-cu-tru", "--set", "meeting_date=2026-02-10", "--set", "invited=100", "--set",
                     "attended=80", "--set", "notes=" + evil});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  std::string id = made.out;
  while (!id.empty() && id.back() == '\n') id.pop_back();
  REQUIRE(c.Run({"sync"}).exit_code == 0);

  const std::vector<std::vector<std::string>> server_views = {{"records"}, {"history", id}, {"report"}, {"devices"}};
  for (const auto& args : server_views) {
    auto r = server.Admin(args);
    INFO(args[0] << ": " << r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find('\x1b') == std::string::npos);
    CHECK(r.out.find('\x07') == std::string::npos);
    // `report` shows no notes, only figures and the list's labels.
    if (args[0] == "records" || args[0] == "history") {
      CHECK(r.out.find("Trần Thị Bình\\e[2J\\e[1;1Hagree 100%") != std::string::npos);
    }
  }
  CHECK(server.Admin({"history", id}).out.find("Nguyễn\\e]0;owned\\x07 Văn An") != std::string::npos);
  for (const auto& args : std::vector<std::vector<std::string>>{{"show", id}, {"list"}}) {
    auto r = c.Run(args);
    INFO(args[0] << ": " << r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find('\x1b') == std::string::npos);
  }
  CHECK(c.Run({"show", id}).out.find("Trần Thị Bình\\e[2J\\e[1;1Hagree 100%") != std::string::npos);
  // JSON keeps the text exactly (escaped the JSON way), for programs.
  CHECK(server.Admin({"records", "--json"}).out.find("\\u001b[2J") != std::string::npos);
  CHECK(server.Stop() == 0);
}

// A value typed without --set is refused by the real client, not dropped:
// nothing is saved, and the message says where the value goes.
#include <catch2/catch.hpp>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

TEST_CASE("wardsync refuses a stray argument and saves nothing", "[e2e]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, "phuong-trung-vuong");
  std::vector<std::string> args = {"new", "--form", "voter-meeting"};
  for (auto& s : MeetingSets(120, 95, "qh-dv1-tran-thi-lan")) args.push_back(s);
  args.push_back("notes=hello");
  auto r = c.Run(args);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("unexpected argument \"notes=hello\"") != std::string::npos);
  CHECK(r.err.find("--set notes=hello") != std::string::npos);
  CHECK(Num(At(c.Json({"status"}), "pending")) == 0);
  CHECK(Items(c.Json({"list"})).size() == 0);

  const std::string id = c.NewMeeting();
  auto edit = c.Run({"edit", id, "agree=50"});
  CHECK(edit.exit_code == 2);
  CHECK(edit.err.find("--set agree=50") != std::string::npos);
  CHECK(Num(At(c.Json({"status"}), "pending")) == 1);
  CHECK(c.Run({"sync", "now"}).exit_code == 2);
}

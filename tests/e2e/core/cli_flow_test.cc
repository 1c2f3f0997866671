// The whole core through the two binaries: init, run, enroll, client init,
// new/edit/delete/show/list/status --json, sync, a second device pulling,
// the server's view with `records --json`, a clean stop on SIGTERM.
#include <catch2/catch.hpp>

#include <set>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-trung-vuong";

// Records of a --json listing, by id.
std::map<std::string, JsonValue> ById(const JsonValue& list) {
  std::map<std::string, JsonValue> out;
  for (const auto& r : Items(list)) out[Str(At(r, "id"))] = r;
  return out;
}

}  // namespace

TEST_CASE("capture, edit, delete and sync through the command lines", "[e2e]") {
  ServerProcess server;
  server.Start();
  ClientProcess c1(server, kWard, "officer", "Nguyễn Văn A");

  // Forms came with the enrollment.
  auto forms = c1.Json({"forms"});
  std::set<std::string> form_ids;
  for (const auto& f : Items(forms)) form_ids.insert(Str(At(f, "id")));
  CHECK(form_ids.count("voter-meeting") == 1);

  const std::string kept = c1.NewMeeting(100, 80, Candidate(5));
  const std::string dropped = c1.NewMeeting(50, 20, Candidate(6));
  auto edited = c1.Run({"edit", kept, "--set", "agree=60", "--set", "disagree=10"});
  INFO(edited.err);
  REQUIRE(edited.exit_code == 0);
  auto deleted = c1.Run({"delete", dropped});
  INFO(deleted.err);
  REQUIRE(deleted.exit_code == 0);

  auto shown = c1.Json({"show", kept});
  CHECK(Str(At(shown, "id")) == kept);
  CHECK(Str(At(shown, "form")) == "voter-meeting");
  CHECK(Str(At(shown, "ward")) == kWard);
  CHECK(Str(At(At(shown, "fields"), "candidate")) == Candidate(5));
  CHECK(Num(At(At(shown, "fields"), "attended")) == 80);
  CHECK(Num(At(At(shown, "fields"), "agree")) == 60);

  auto listed = ById(c1.Json({"list"}));
  CHECK(listed.size() == 1);
  CHECK(listed.count(kept) == 1);

  // An invalid value is refused with the form, field and rule named; nothing stored.
  std::vector<std::string> bad = {"new", "--form", "voter-meeting"};
  for (auto& s : MeetingSets(10, 11, Candidate(4))) bad.push_back(s);
  auto refused = c1.Run(bad);
  CHECK(refused.exit_code != 0);
  CHECK(refused.out.empty());
  CHECK(refused.err.find("voter-meeting") != std::string::npos);
  CHECK(refused.err.find("attended") != std::string::npos);

  auto status = c1.Json({"status"});
  CHECK(Num(At(status, "pending")) == 4);
  CHECK(IsNull(At(status, "last_success")));

  auto synced = c1.Json({"sync"});
  CHECK(Num(At(synced, "pushed")) == 4);
  CHECK(Num(At(synced, "pending")) == 0);
  status = c1.Json({"status"});
  CHECK(Num(At(status, "pending")) == 0);
  CHECK_FALSE(IsNull(At(status, "last_success")));
  CHECK(IsNull(At(status, "last_error")));

  // The server's view (the command is forwarded to the running server).
  auto on_server = ById(server.Records());
  REQUIRE(on_server.size() == 2);
  CHECK_FALSE(Bool(At(on_server[kept], "deleted")));
  CHECK(Num(At(At(on_server[kept], "fields"), "agree")) == 60);
  CHECK(Bool(At(on_server[dropped], "deleted")));
  auto by_ward = server.Admin({"records", "--ward", kWard});
  CHECK(by_ward.exit_code == 0);
  CHECK(by_ward.out.find(kept) != std::string::npos);

  // A second device of the ward gets the live record at init.
  ClientProcess c2(server, kWard, "officer", "Phạm Thị D");
  auto c2_list = ById(c2.Json({"list"}));
  REQUIRE(c2_list.count(kept) == 1);
  CHECK(Num(At(At(c2_list[kept], "fields"), "invited")) == 100);
  // A device of another ward does not.
  ClientProcess other(server, "phuong-dong-quang", "officer", "Đặng Văn E");
  CHECK(Items(other.Json({"list"})).empty());

  CHECK(server.Stop() == 0);
  // The same view with the server stopped (the command opens the store itself).
  auto offline = ById(server.Records());
  CHECK(offline.size() == 2);
  CHECK(Num(At(At(offline[kept], "fields"), "agree")) == 60);
}

TEST_CASE("the server logs one line per sync and per refusal", "[e2e]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  c.NewMeeting();
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  auto line = server.process().WaitForStderrLine("sync device=");
  REQUIRE(line.has_value());
  CHECK(line->find("ward=" + kWard) != std::string::npos);
  CHECK(line->find("outcome=") != std::string::npos);
  CHECK(server.Stop() == 0);
}

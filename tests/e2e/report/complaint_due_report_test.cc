// Complaint deadlines through the two real binaries, across form versions: a
// ward files complaints with complaint 2 (due date typed, or left empty),
// the committee then publishes complaint 3 (due date computed from the day
// received and the subject), the ward files more; `report --json --today`
// gives each open complaint the due date of its own version, its age and
// days left, and counts the overdue ones; the text report says the same.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;
namespace fs = std::filesystem;

namespace {

const std::string kPack = WARDSYNC_SOURCE_DIR "/forms/election";

std::string NewComplaint(ClientProcess& c, const std::string& received, const std::string& subject,
                         const std::string& status, const std::string& due = "") {
  std::vector<std::string> args = {"new", "--form", "complaint", "--set", "received_date=" + received, "--set",
                                   "kind=khieu-nai", "--set", "subject=" + subject, "--set",
                                   "complainant=Nguyễn Văn Bình, tổ 3", "--set", "summary=Đơn thử", "--set",
                                   "status=" + status};
  if (status == "da-giai-quyet") {
    for (std::string s : {"resolved_date=2021-05-21", "resolution=Đã trả lời"}) {
      args.push_back("--set");
      args.push_back(s);
    }
  }
  if (!due.empty()) {
    args.push_back("--set");
    args.push_back("due_date=" + due);
  }
  auto r = c.Run(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string id = r.out.substr(0, r.out.find_first_of("\r\n"));
  REQUIRE(id.size() == 32);
  return id;
}

const JsonValue& OpenOne(const JsonValue& complaints, const std::string& record) {
  for (const auto& c : Items(At(complaints, "open_complaints"))) {
    if (Str(At(c, "record")) == record) return c;
  }
  FAIL("record " << record << " is not among the open complaints");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("complaints of versions 2 and 3: report gives each its own due date, age and overdue", "[e2e][report]") {
  // The pack as it was before complaint 3: every file but complaint-v3.json.
  TempDir before("complaint-pack");
  fs::copy(kPack, before.path(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  REQUIRE(fs::remove(before.Sub("complaint-v3.json")));
  ServerProcess server([&](const std::string& data) {
    auto r = RunCommand("wardsync-server", {"init", "--data", data, "--forms", before.path()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  });
  server.Start();
  auto wards = server.Admin({"wards", "--json"});
  REQUIRE(wards.exit_code == 0);
  const std::string ward = Str(At(Items(ParseJson(wards.out))[0], "id"));
  ClientProcess clerk(server, ward);

  // Version 2: the clerk types the due date, or leaves it empty.
  const std::string typed = NewComplaint(clerk, "2021-05-10", "nguoi-ung-cu", "dang-xu-ly", "2021-05-25");
  const std::string untyped = NewComplaint(clerk, "2021-05-12", "khac", "moi-tiep-nhan");
  clerk.Sync();

  // The committee publishes complaint 3; the clerk's device takes it at the next sync.
  auto published = server.Admin({"forms", "publish", kPack + "/complaint-v3.json"});
  INFO(published.out << published.err);
  REQUIRE(published.exit_code == 0);
  clerk.Sync();
  // A computed due date cannot be typed: refused with the reason, nothing made.
  auto refused = clerk.Run({"new", "--form", "complaint", "--set", "received_date=2021-05-14", "--set", "kind=khieu-nai",
                            "--set", "subject=danh-sach-cu-tri", "--set", "complainant=A", "--set", "summary=B", "--set",
                            "status=moi-tiep-nhan", "--set", "due_date=2021-06-30"});
  CHECK(refused.exit_code != 0);
  CHECK(refused.err.find("computed") != std::string::npos);
  const std::string voters = NewComplaint(clerk, "2021-05-14", "danh-sach-cu-tri", "dang-xu-ly");  // + 5 days
  const std::string other = NewComplaint(clerk, "2021-05-20", "to-chuc-bau-cu", "moi-tiep-nhan");  // + 10 days
  NewComplaint(clerk, "2021-05-15", "nguoi-ung-cu", "da-giai-quyet");                               // closed: not open
  clerk.Sync();

  const JsonValue records = server.Records();
  std::map<std::string, double> versions;
  for (const auto& r : Items(records)) versions[Str(At(r, "id"))] = Num(At(r, "version"));
  CHECK(versions[typed] == 2);
  CHECK(versions[untyped] == 2);
  CHECK(versions[voters] == 3);
  CHECK(versions[other] == 3);

  auto out = server.Admin({"report", "--json", "--today", "2021-05-23", "--complaint-days", "7"});
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  const JsonValue report = ParseJson(out.out);
  const JsonValue& comp = At(At(report, "total"), "complaints");
  CHECK(Num(At(comp, "complaints")) == 5);
  CHECK(Num(At(comp, "open")) == 4);
  CHECK(Num(At(comp, "overdue")) == 2);
  struct Want {
    std::string record, due;
    double age, left;
    bool overdue;
  };
  for (const Want& w : {Want{typed, "2021-05-25", 13, 2, false},     // typed in version 2
                        Want{untyped, "2021-05-19", 11, -4, true},   // received + --complaint-days 7
                        Want{voters, "2021-05-19", 9, -4, true},     // computed: voter list, 5 days
                        Want{other, "2021-05-30", 3, 7, false}}) {   // computed: other subject, 10 days
    INFO(w.record);
    const JsonValue& c = OpenOne(comp, w.record);
    CHECK(Str(At(c, "due")) == w.due);
    CHECK(Num(At(c, "age_days")) == w.age);
    CHECK(Num(At(c, "days_left")) == w.left);
    CHECK(Bool(At(c, "overdue")) == w.overdue);
  }

  // The text report, for a person.
  auto text = server.Admin({"report", "--form", "complaint", "--today", "2021-05-23", "--complaint-days", "7"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("complaints: 5, 4 open, 2 past their deadline") != std::string::npos);
  CHECK(text.out.find("received 2021-05-14, 9 days old, due 2021-05-19, OVERDUE by 4 days") != std::string::npos);
  CHECK(text.out.find("received 2021-05-20, 3 days old, due 2021-05-30  ") != std::string::npos);
  CHECK(server.Stop() == 0);
}

// `report` and `export` on a real server, forwarded while it runs.
#include <fstream>

#include "tests/integration/review/review_fixture.h"

using namespace review_test;

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("report: per ward records, conflicts, devices and the voter-meeting figures") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  TestDevice a2(srv, "a2", kWardA, "officer", "Lê Thị Hoa");
  TestDevice b1(srv, "b1", kWardB, "officer", "Trần Văn Bảo");
  const std::string m1 = a1.New("voter-meeting", {"candidate=qh-dv1-tran-thi-lan", "place=noi-cu-tru",
                                                  "meeting_date=2026-02-10", "invited=100", "attended=80", "agree=60"});
  a1.New("voter-meeting", {"candidate=qh-dv1-tran-thi-lan", "place=noi-cong-tac", "meeting_date=2026-02-11",
                           "invited=50", "attended=40", "agree=38"});
  const std::string gone = a1.New("voter-meeting", Meeting(10, 5));
  a1.Ok({"delete", gone});
  b1.New("voter-meeting", {"candidate=tp-dv1-vu-quang-huy", "place=noi-cu-tru", "meeting_date=2026-02-12",
                           "invited=30", "attended=20"});
  a1.Sync();
  b1.Sync();
  a2.Sync();
  a1.Edit(m1, {"notes=a"});
  a2.Edit(m1, {"notes=b"});
  a1.Sync();
  a2.Sync();

  auto j = Json(srv.Ok({"report", "--json"}).out);
  const google::protobuf::Value* wa = nullptr;
  const google::protobuf::Value* wb = nullptr;
  for (int i = 0; i < Size(At(j, "wards")); ++i) {
    const auto& w = At(At(j, "wards"), i);
    if (At(w, "ward").string_value() == kWardA) wa = &w;
    if (At(w, "ward").string_value() == kWardB) wb = &w;
  }
  REQUIRE(wa);
  REQUIRE(wb);
  CHECK(Size(At(j, "wards")) >= 30);  // every published ward, even the empty ones
  CHECK(At(At(At(*wa, "records"), "voter-meeting"), "live").number_value() == 2);
  CHECK(At(At(At(*wa, "records"), "voter-meeting"), "deleted").number_value() == 1);
  CHECK(At(*wa, "open_conflicts").number_value() == 1);
  CHECK(Size(At(*wa, "devices")) == 2);
  CHECK_FALSE(At(At(At(*wa, "devices"), 0), "last_contact").string_value().empty());
  const auto& vm = At(*wa, "voter_meetings");
  CHECK(At(vm, "meetings").number_value() == 2);
  CHECK(At(vm, "invited").number_value() == 150);
  CHECK(At(vm, "attended").number_value() == 120);
  CHECK(At(vm, "provisional").number_value() == 1);
  const auto& cand = At(At(vm, "candidates"), 0);
  CHECK(At(cand, "candidate").string_value() == "qh-dv1-tran-thi-lan");  // keyed by the list value,
  CHECK(At(cand, "label").string_value() == "Trần Thị Lan");             // shown by the list's label
  CHECK_FALSE(At(cand, "typed").bool_value());
  CHECK(At(cand, "share_agree").number_value() == Approx(98.0 / 120.0).epsilon(1e-5));
  const auto& vb = At(*wb, "voter_meetings");
  CHECK(At(At(At(vb, "candidates"), 0), "share_agree").kind_case() == google::protobuf::Value::kNullValue);
  const auto& total = At(j, "total");
  CHECK(At(total, "devices").number_value() == 3);
  CHECK(At(At(total, "voter_meetings"), "meetings").number_value() == 3);
  CHECK(At(At(total, "voter_meetings"), "attended").number_value() == 140);

  const std::string text = srv.Ok({"report"}).out;
  CHECK(text.find("ward " + kWardA) != std::string::npos);
  CHECK(text.find("Trần Thị Lan (qh-dv1-tran-thi-lan): 2 meetings, 120 attended; agree 98 of 120") != std::string::npos);
  CHECK(text.find("81.7%") != std::string::npos);
  CHECK(text.find("city total") != std::string::npos);
}

TEST_CASE("report: voter meetings of version 1 (a typed name) still load, sync and count beside version 2") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  TestDevice b1(srv, "b1", kWardB, "officer", "Trần Văn Bảo");
  // What a device still holding only version 1 sends: the name typed. One
  // spelt exactly as the list's label, one not.
  changes::Change exact = test::VoterMeetingCreate(kWardA, 40, 30, "Trần Thị Lan");
  exact.add_sets()->set_field("agree");
  exact.mutable_sets(exact.sets_size() - 1)->mutable_value()->set_integer(30);
  const std::string exact_id = changes_util::RecordIdText(exact.record_id());
  Smuggle(a1, exact);
  changes::Change other = test::VoterMeetingCreate(kWardB, 20, 10, "Tran Thi Lan");
  Smuggle(b1, other);
  // Version 2 beside them: the candidate picked from the list.
  const std::string picked = a1.New("voter-meeting", {"candidate=qh-dv1-tran-thi-lan", "place=noi-cu-tru",
                                                      "meeting_date=2026-02-12", "invited=100", "attended=90",
                                                      "agree=60"});
  a1.Sync();
  b1.Sync();

  // Synced and kept with their version: no conflict, nothing rejected.
  const std::string other_id = changes_util::RecordIdText(other.record_id());
  for (const auto& [id, version] : std::vector<std::pair<std::string, uint32_t>>{{exact_id, 1}, {other_id, 1}, {picked, 2}}) {
    const auto r = srv.Record(id);
    INFO(id);
    CHECK(r.conflicts_size() == 0);
    CHECK(r.form_version() == version);
  }
  // The device loads the old record, edits it against version 1 and the
  // edit syncs.
  const std::string shown = a1.Ok({"show", exact_id}).out;
  CHECK(shown.find("form:    voter-meeting version 1\n") != std::string::npos);
  CHECK(shown.find("Trần Thị Lan") != std::string::npos);
  a1.Edit(exact_id, {"notes=biên bản cũ"});
  a1.Sync();
  const auto edited = srv.Record(exact_id);
  CHECK(edited.fields().at("notes").value().text() == "biên bản cũ");
  CHECK(edited.form_version() == 1);
  // A typed name is still refused by version 2 on the device.
  auto refused = a1.Cli({"new", "--form", "voter-meeting", "--set", "candidate=Trần Thị Lan", "--set",
                         "place=noi-cu-tru", "--set", "meeting_date=2026-02-12", "--set", "invited=1", "--set",
                         "attended=1"});
  CHECK(refused.code != 0);
  CHECK(refused.err.find("voter-meeting: field \"candidate\": \"Trần Thị Lan\" is not one of: ") !=
        std::string::npos);

  // The city: the exact spelling counts on the listed candidate's line and
  // says so; the other spelling is its own line, named as typed.
  auto j = Json(srv.Ok({"report", "--json"}).out);
  const auto& vm = At(At(j, "total"), "voter_meetings");
  CHECK(At(vm, "meetings").number_value() == 3);
  CHECK(At(vm, "attended").number_value() == 130);
  REQUIRE(Size(At(vm, "candidates")) == 2);
  const auto& lan = At(At(vm, "candidates"), 0);
  CHECK(At(lan, "candidate").string_value() == "qh-dv1-tran-thi-lan");
  CHECK(At(lan, "label").string_value() == "Trần Thị Lan");
  CHECK(At(lan, "meetings").number_value() == 2);
  CHECK(At(lan, "typed_meetings").number_value() == 1);
  CHECK(At(lan, "agree").number_value() == 90);
  const auto& apart = At(At(vm, "candidates"), 1);
  CHECK(At(apart, "candidate").string_value() == "Tran Thi Lan");
  CHECK(At(apart, "typed").bool_value());
  CHECK(At(apart, "label").string_value().empty());
  CHECK(At(apart, "attended").number_value() == 10);
  const std::string text = srv.Ok({"report"}).out;
  CHECK(text.find("Trần Thị Lan (qh-dv1-tran-thi-lan) [1 of them typed in version 1]: 2 meetings, 120 attended") !=
        std::string::npos);
  CHECK(text.find("\"Tran Thi Lan\" [typed in version 1, not a name in the candidates list]: 1 meeting, 10 attended") !=
        std::string::npos);
}

TEST_CASE("export: CSV and JSON, streamed to a file that appears whole") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  TestDevice b1(srv, "b1", kWardB, "officer", "Trần Văn Bảo");
  a1.New("voter-meeting", {"candidate=qh-dv1-le-minh-tuan", "place=noi-cong-tac", "meeting_date=2026-02-10",
                           "invited=100", "attended=80", "notes=anh \"Bé\" đông, vui\nhai dòng"});
  const std::string gone = a1.New("voter-meeting", Meeting());
  a1.Ok({"delete", gone});
  b1.New("voter-meeting", Meeting(30, 20));
  a1.Sync();
  b1.Sync();

  const std::string csv = srv.Ok({"export", "--form", "voter-meeting", "--format", "csv"}).out;
  const std::string header =
      "id,ward,version,last_change,conflict,review,candidate,place,meeting_date,invited,attended,agree,disagree,notes\r\n";
  CHECK(csv.rfind(header, 0) == 0);
  CHECK(csv.find(",qh-dv1-le-minh-tuan,noi-cong-tac,2026-02-10,100,80,,,\"anh \"\"Bé\"\" đông, vui\nhai dòng\"\r\n") !=
        std::string::npos);
  size_t rows = 0;
  for (size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) ++rows;
  CHECK(rows == 3);  // header + two live records; the deleted one is left out
  CHECK(csv.find(gone) == std::string::npos);

  CHECK(srv.Ok({"export", "--form", "voter-meeting", "--ward", kWardB}).out.find(kWardA) == std::string::npos);
  const std::string with_deleted = srv.Ok({"export", "--form", "voter-meeting", "--deleted"}).out;
  CHECK(with_deleted.find(",conflict,review,deleted,") != std::string::npos);
  CHECK(with_deleted.find(gone) != std::string::npos);

  TempDir out_dir;
  const std::string file = out_dir.path() + "/meetings.csv";
  auto done = srv.Ok({"export", "--form", "voter-meeting", "--out", file});
  CHECK(done.out.find("exported 2 records") != std::string::npos);
  CHECK(ReadAll(file) == csv);
  CHECK_FALSE(std::filesystem::exists(file + ".tmp"));

  auto json = Json(srv.Ok({"export", "--form", "voter-meeting", "--format", "json"}).out);
  REQUIRE(Size(json) == 2);
  bool found = false;
  for (int i = 0; i < 2; ++i) {
    const auto& f = At(At(json, i), "fields");
    if (At(f, "candidate").string_value() == "qh-dv1-le-minh-tuan") {
      found = true;
      CHECK(At(f, "notes").string_value() == "anh \"Bé\" đông, vui\nhai dòng");
      CHECK(At(f, "attended").number_value() == 80);
      CHECK(At(f, "agree").kind_case() == google::protobuf::Value::kNullValue);
      CHECK(At(At(json, i), "ward").string_value() == kWardA);
      CHECK_FALSE(At(At(json, i), "conflict").bool_value());
    }
  }
  CHECK(found);

  auto bad = srv.Cli({"export", "--form", "no-such-form"});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("no published form") != std::string::npos);
  bad = srv.Cli({"export", "--form", "voter-meeting", "--format", "xml"});
  CHECK(bad.code == 2);
  bad = srv.Cli({"export", "--form", "voter-meeting", "--out", out_dir.path() + "/no/such/dir/x.csv"});
  CHECK(bad.code == 1);
  CHECK_FALSE(std::filesystem::exists(out_dir.path() + "/no"));
}

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
  const std::string m1 = a1.New("voter-meeting", {"candidate=Trần Thị Bình", "meeting_date=2026-02-10", "invited=100",
                                                  "attended=80", "agree=60"});
  a1.New("voter-meeting", {"candidate=Trần Thị Bình", "meeting_date=2026-02-11", "invited=50", "attended=40",
                           "agree=38"});
  const std::string gone = a1.New("voter-meeting", Meeting(10, 5));
  a1.Ok({"delete", gone});
  b1.New("voter-meeting", {"candidate=Lê Văn Cường", "meeting_date=2026-02-12", "invited=30", "attended=20"});
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
  CHECK(At(cand, "candidate").string_value() == "Trần Thị Bình");
  CHECK(At(cand, "share_agree").number_value() == Approx(98.0 / 120.0).epsilon(1e-5));
  const auto& vb = At(*wb, "voter_meetings");
  CHECK(At(At(At(vb, "candidates"), 0), "share_agree").kind_case() == google::protobuf::Value::kNullValue);
  const auto& total = At(j, "total");
  CHECK(At(total, "devices").number_value() == 3);
  CHECK(At(At(total, "voter_meetings"), "meetings").number_value() == 3);
  CHECK(At(At(total, "voter_meetings"), "attended").number_value() == 140);

  const std::string text = srv.Ok({"report"}).out;
  CHECK(text.find("ward " + kWardA) != std::string::npos);
  CHECK(text.find("Trần Thị Bình: 2 meetings, 120 attended; agree 98 of 120") != std::string::npos);
  CHECK(text.find("81.7%") != std::string::npos);
  CHECK(text.find("city total") != std::string::npos);
}

TEST_CASE("export: CSV and JSON, streamed to a file that appears whole") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  TestDevice b1(srv, "b1", kWardB, "officer", "Trần Văn Bảo");
  a1.New("voter-meeting", {"candidate=Trần Thị \"Bé\" Bình", "meeting_date=2026-02-10", "invited=100", "attended=80",
                           "notes=đông, vui\nhai dòng"});
  const std::string gone = a1.New("voter-meeting", Meeting());
  a1.Ok({"delete", gone});
  b1.New("voter-meeting", Meeting(30, 20));
  a1.Sync();
  b1.Sync();

  const std::string csv = srv.Ok({"export", "--form", "voter-meeting", "--format", "csv"}).out;
  const std::string header =
      "id,ward,version,last_change,conflict,review,candidate,meeting_date,invited,attended,agree,disagree,notes\r\n";
  CHECK(csv.rfind(header, 0) == 0);
  CHECK(csv.find(",\"Trần Thị \"\"Bé\"\" Bình\",2026-02-10,100,80,,,\"đông, vui\nhai dòng\"\r\n") != std::string::npos);
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
    if (At(f, "candidate").string_value() == "Trần Thị \"Bé\" Bình") {
      found = true;
      CHECK(At(f, "notes").string_value() == "đông, vui\nhai dòng");
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

// An election day through the two real binaries across three wards of the
// published list: officers send turnout at the checkpoints, readiness checks,
// an incident and a complaint; `report --json` must add up exactly what was
// entered, leave out and name a report under review (two officers' offline
// edits that together break "votes_cast <= registered_voters") and a second
// report of the same polling area and checkpoint, and --ward/--form narrow it.
// Polling areas are picked from the published list (turnout-report and
// polling-station-readiness 2, tally-minutes 4), so the areas still missing
// are the list's areas of each ward.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

namespace {

// Wards of forms/election/wards.json, taken from the published list so no
// name is written here twice.
std::vector<std::string> PublishedWards(ServerProcess& s) {
  auto r = s.Admin({"wards", "--json"});
  REQUIRE(r.exit_code == 0);
  const JsonValue list = ParseJson(r.out);  // kept: Items() refers into it
  std::vector<std::string> ids;
  for (const auto& w : Items(list)) ids.push_back(Str(At(w, "id")));
  REQUIRE(ids.size() >= 3);
  return ids;
}

std::string New(ClientProcess& c, const std::string& form, std::vector<std::string> sets) {
  std::vector<std::string> args = {"new", "--form", form};
  for (auto& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  auto r = c.Run(args);
  INFO(form << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  std::string id = r.out.substr(0, r.out.find_first_of("\r\n"));
  REQUIRE(id.size() == 32);
  return id;
}

std::string Turnout(ClientProcess& c, const std::string& area, const std::string& at, int registered, int votes) {
  return New(c, "turnout-report",
             {"polling_area=" + area, "report_date=2021-05-23", "report_time=" + at,
              "registered_voters=" + std::to_string(registered), "votes_cast=" + std::to_string(votes)});
}

std::string Readiness(ClientProcess& c, const std::string& area, const std::string& readiness, int registered) {
  return New(c, "polling-station-readiness",
             {"polling_area=" + area, "check_date=2021-05-20", "registered_voters=" + std::to_string(registered),
              "ballots_received=" + std::to_string(registered + 20), "ballot_boxes=2", "booths=4",
              "voter_list_posted=true", "candidate_list_posted=true", "readiness=" + readiness});
}

void Sync(ClientProcess& c) {
  auto r = c.Run({"sync"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

const JsonValue& WardOf(const JsonValue& report, const std::string& id) {
  for (const auto& w : Items(At(report, "wards"))) {
    if (Str(At(w, "ward")) == id) return w;
  }
  FAIL("ward " << id << " not in the report");
  throw std::logic_error("unreachable");
}

const JsonValue& Checkpoint(const JsonValue& scope, const std::string& at) {
  for (const auto& c : Items(At(At(scope, "turnout"), "checkpoints"))) {
    if (Str(At(c, "checkpoint")) == at) return c;
  }
  FAIL("checkpoint " << at << " not in the report");
  throw std::logic_error("unreachable");
}

std::set<std::string> Named(const JsonValue& scope) {
  std::set<std::string> ids;
  for (const auto& item : Items(At(scope, "under_review"))) ids.insert(Str(At(item, "record")));
  return ids;
}

// Values of the published choice list `id` (forms/election/choices/) whose
// ward is `ward` ("" for any) and value starts with `prefix`, in list order,
// with their labels: the test picks what an officer would, names no entry.
std::vector<std::pair<std::string, std::string>> Entries(ServerProcess& s, const std::string& id,
                                                         const std::string& ward, const std::string& prefix) {
  auto r = s.Admin({"choices", "list", "--id", id, "--json"});
  REQUIRE(r.exit_code == 0);
  const JsonValue lists = ParseJson(r.out);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& list : Items(lists)) {
    for (const auto& e : Items(At(list, "entries"))) {
      const std::string value = Str(At(e, "value"));
      const auto& fields = e.struct_value().fields();
      const bool in_ward = ward.empty() || (fields.count("ward") && Str(fields.at("ward")) == ward);
      if (in_ward && value.rfind(prefix, 0) == 0) out.emplace_back(value, Str(At(e, "label")));
    }
  }
  return out;
}

// Vote-count minutes (tally-minutes 4) of one polling area (a value of the
// list polling-areas) in one constituency (of the list constituencies),
// candidates by their value in the list candidates, entered as the clerk's JSON.
std::string Minutes(ClientProcess& c, const TempDir& files, const std::string& level, const std::string& constituency,
                    const std::string& area, const std::vector<std::pair<std::string, int>>& votes) {
  int valid = 0;
  std::string rows;
  for (size_t i = 0; i < votes.size(); ++i) {
    valid += votes[i].second;  // keeps every rule: each <= valid, the sum <= valid x seats
    rows += std::string(i ? ", " : "") + "{\"_row\": \"r" + std::to_string(i) + "\", \"candidate\": \"" +
            votes[i].first + "\", \"votes\": " + std::to_string(votes[i].second) + "}";
  }
  const std::string json = "{\"level\": \"" + level + "\", \"constituency\": \"" + constituency +
                           "\", \"polling_area\": \"" + area +
                           "\", \"seats\": 2, \"voters_listed\": 2000, \"voters_voted\": " + std::to_string(valid + 10) +
                           ", \"ballots_issued\": " + std::to_string(valid + 10) +
                           ", \"ballots_received\": " + std::to_string(valid + 10) +
                           ", \"valid_ballots\": " + std::to_string(valid) +
                           ", \"invalid_ballots\": 10, \"candidates\": [" + rows + "]}";
  static int n = 0;
  const std::string path = files.Sub("minutes-" + std::to_string(++n) + ".json");
  std::ofstream(path, std::ios::binary) << json;
  auto r = c.Run({"new", "--form", "tally-minutes", "--from-json", path});
  INFO(json << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
  std::string id = r.out.substr(0, r.out.find_first_of("\r\n"));
  REQUIRE(id.size() == 32);
  return id;
}

const JsonValue& Level(const JsonValue& scope, const std::string& section, const std::string& level) {
  for (const auto& l : Items(At(At(scope, section), "levels"))) {
    if (Str(At(l, "level")) == level) return l;
  }
  FAIL("level " << level << " not in " << section);
  throw std::logic_error("unreachable");
}

// candidate (its list value) -> votes of `constituency` (its list value) at `level`.
std::map<std::string, double> Votes(const JsonValue& scope, const std::string& level, const std::string& constituency) {
  std::map<std::string, double> out;
  for (const auto& c : Items(At(Level(scope, "votes", level), "constituencies"))) {
    if (Str(At(c, "constituency")) != constituency) continue;
    for (const auto& v : Items(At(c, "candidates"))) out[Str(At(v, "candidate"))] = Num(At(v, "votes"));
  }
  return out;
}

}  // namespace

TEST_CASE("election day across wards: report --json adds up what was entered, doubtful records named apart",
          "[e2e][report]") {
  ServerProcess server;
  server.Start();
  const auto wards = PublishedWards(server);
  const std::string a = wards[0], b = wards[1], c = wards[wards.size() - 1];
  ClientProcess a1(server, a, "officer", "Nguyễn Văn An");
  ClientProcess b1(server, b, "officer", "Lê Thị Hoa");
  ClientProcess b2(server, b, "officer", "Trần Văn Nam");
  ClientProcess c1(server, c, "officer", "Phạm Thị Lan");
  ClientProcess c2(server, c, "officer", "Hoàng Văn Minh");
  const auto areas_a = Entries(server, "polling-areas", a, "");
  const auto areas_b = Entries(server, "polling-areas", b, "");
  const auto areas_c = Entries(server, "polling-areas", c, "");
  const size_t listed = Entries(server, "polling-areas", "", "").size();
  REQUIRE(areas_a.size() == 3);
  REQUIRE(areas_b.size() >= 2);
  REQUIRE(areas_c.size() >= 2);
  const std::string a01 = areas_a[0].first, a02 = areas_a[1].first, a03 = areas_a[2].first;
  const std::string b01 = areas_b[0].first, b02 = areas_b[1].first, c01 = areas_c[0].first, c02 = areas_c[1].first;

  // Ward a: two areas at 09h and 19h, their readiness, an open incident and
  // a complaint.
  Turnout(a1, a01, "09h", 1200, 400);
  Turnout(a1, a02, "09h", 900, 250);
  Turnout(a1, a01, "19h", 1200, 1150);
  Turnout(a1, a02, "19h", 900, 880);
  Readiness(a1, a01, "san-sang", 1200);
  const std::string not_ready = Readiness(a1, a02, "can-bo-sung", 900);
  const std::string incident =
      New(a1, "security-incident",
          {"incident_date=2021-05-23", "category=gay-roi-trat-tu", "severity=cao", "location=Tổ 7",
           "description=Gây rối trước khu vực bỏ phiếu", "people_involved=3", "injured=1", "police_notified=true"});
  const std::string complaint =
      New(a1, "complaint",
          {"received_date=2021-05-14", "kind=khieu-nai", "subject=danh-sach-cu-tri",
           "complainant=Nguyễn Văn Bình, tổ 3", "summary=Thiếu tên trong danh sách cử tri", "status=dang-xu-ly"});
  Sync(a1);

  // Ward b: area 01 at 19h reported by both officers: the later report is a
  // DUPLICATE conflict (turnout-report's unique key), named and not summed;
  // the first is summed once; area 02 reported once.
  const std::string dup1 = Turnout(b1, b01, "19h", 700, 610);
  Turnout(b1, b02, "19h", 650, 600);
  const std::string dup2 = Turnout(b2, b01, "19h", 700, 615);
  Sync(b1);
  Sync(b2);

  // Ward c: an area at 19h whose two offline edits each keep the rule but
  // together break votes_cast <= registered_voters: under review.
  Turnout(c1, c02, "19h", 500, 450);
  const std::string doubtful = Turnout(c1, c01, "19h", 800, 700);
  Sync(c1);
  Sync(c2);
  REQUIRE(c1.Run({"edit", doubtful, "--set", "votes_cast=790"}).exit_code == 0);
  REQUIRE(c2.Run({"edit", doubtful, "--set", "registered_voters=780"}).exit_code == 0);
  Sync(c1);
  Sync(c2);

  auto run = server.Admin({"report", "--json", "--today", "2021-05-23"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const JsonValue report = ParseJson(run.out);
  CHECK(Str(At(report, "today")) == "2021-05-23");
  CHECK(static_cast<size_t>(Items(At(report, "wards")).size()) == wards.size());  // every published ward, even empty ones
  const JsonValue& total = At(report, "total");

  // 19h in the city: a 01+02 (1150+880 of 1200+900), b 01 once (610 of 700)
  // and 02 (600 of 650), c 05 (450 of 500); b 01's second report and c 01
  // (both under review) are left out.
  const JsonValue& close = Checkpoint(total, "19h");
  CHECK(Num(At(close, "areas")) == 5);
  CHECK(Num(At(close, "registered_voters")) == 1200 + 900 + 700 + 650 + 500);
  CHECK(Num(At(close, "votes_cast")) == 1150 + 880 + 610 + 600 + 450);
  CHECK(Num(At(close, "turnout")) == Approx(3690.0 / 3950.0));
  CHECK(Num(At(close, "duplicated")) == 0);
  CHECK(Str(At(close, "label")) == "19 giờ");  // the checkpoint's label in the form
  const JsonValue& morning = Checkpoint(total, "09h");
  CHECK(Num(At(morning, "areas")) == 2);
  CHECK(Num(At(morning, "votes_cast")) == 650);
  // Missing at 09h: every area of every ward in the published list but a's
  // two that reported.
  CHECK(Items(At(morning, "missing")).size() == listed - 2);
  CHECK(Num(At(At(total, "turnout"), "under_review")) == 2);

  // Per ward.
  const JsonValue& wa = WardOf(report, a);
  CHECK(Num(At(Checkpoint(wa, "19h"), "votes_cast")) == 2030);
  // Ward a's third area never reported: missing, shown with its label.
  REQUIRE(Items(At(Checkpoint(wa, "09h"), "missing")).size() == 1);
  const JsonValue& a_missing = Items(At(Checkpoint(wa, "09h"), "missing"))[0];
  CHECK(Str(At(a_missing, "area")) == a03);
  CHECK(Str(At(a_missing, "label")) == areas_a[2].second);
  const JsonValue& ready = At(wa, "readiness");
  CHECK(Num(At(ready, "areas")) == 2);
  CHECK(Num(At(At(ready, "by_readiness"), "san-sang")) == 1);
  CHECK(Num(At(ready, "registered_voters")) == 2100);
  REQUIRE(Items(At(ready, "not_ready")).size() == 1);
  CHECK(Str(At(Items(At(ready, "not_ready"))[0], "record")) == not_ready);
  CHECK(Str(At(Items(At(ready, "not_ready"))[0], "label")) == areas_a[1].second);
  CHECK(Str(At(Items(At(ready, "not_ready"))[0], "readiness_label")) == "Cần bổ sung");
  REQUIRE(Items(At(ready, "by_area")).size() == 2);
  REQUIRE(Items(At(ready, "not_checked")).size() == 1);
  CHECK(Str(At(Items(At(ready, "not_checked"))[0], "area")) == a03);
  const JsonValue& inc = At(wa, "incidents");
  CHECK(Num(At(inc, "open")) == 1);
  CHECK(Str(At(Items(At(inc, "open_incidents"))[0], "record")) == incident);
  CHECK(Num(At(Items(At(inc, "by_severity"))[0], "injured")) == 1);
  const JsonValue& comp = At(wa, "complaints");
  REQUIRE(Items(At(comp, "open_complaints")).size() == 1);
  const JsonValue& open = Items(At(comp, "open_complaints"))[0];
  CHECK(Str(At(open, "record")) == complaint);
  CHECK(Num(At(open, "age_days")) == 9);
  CHECK(Str(At(open, "due")) == "2021-05-19");
  CHECK(Bool(At(open, "overdue")));
  CHECK(Num(At(At(total, "complaints"), "overdue")) == 1);

  const JsonValue& wb = WardOf(report, b);
  CHECK(Num(At(Checkpoint(wb, "19h"), "votes_cast")) == 610 + 600);
  CHECK(Named(wb) == std::set<std::string>{dup2});
  for (const auto& item : Items(At(wb, "under_review"))) {
    CHECK(Str(At(item, "problem")).find("DUPLICATE: same unique key as record " + dup1) != std::string::npos);
  }
  const JsonValue& wc = WardOf(report, c);
  CHECK(Num(At(Checkpoint(wc, "19h"), "votes_cast")) == 450);
  CHECK(Named(wc) == std::set<std::string>{doubtful});
  CHECK(Num(At(wc, "rule_conflicts")) == 1);
  for (const auto& item : Items(At(wc, "under_review"))) {
    CHECK(Str(At(item, "problem")).find("votes_cast <= registered_voters") != std::string::npos);
    CHECK(Str(At(item, "values")).find("votes_cast=790") != std::string::npos);
  }
  CHECK(Named(total) == std::set<std::string>{dup2, doubtful});
  // The existing keys stay for the dashboard.
  CHECK(Num(At(At(total, "voter_meetings"), "meetings")) == 0);
  CHECK(Num(At(total, "devices")) == 5);

  // One ward, one form.
  auto narrow = server.Admin({"report", "--json", "--ward", b, "--form", "turnout-report", "--today", "2021-05-23"});
  REQUIRE(narrow.exit_code == 0);
  const JsonValue one = ParseJson(narrow.out);
  REQUIRE(Items(At(one, "wards")).size() == 1);
  CHECK(Num(At(Checkpoint(At(one, "total"), "19h"), "votes_cast")) == 610 + 600);
  CHECK(Named(At(one, "total")) == std::set<std::string>{dup2});
  auto only_complaints = server.Admin({"report", "--json", "--form", "complaint", "--today", "2021-05-23"});
  REQUIRE(only_complaints.exit_code == 0);
  const JsonValue oc = ParseJson(only_complaints.out);
  CHECK(Items(At(At(At(oc, "total"), "turnout"), "checkpoints")).size() == 0);
  CHECK(Num(At(At(At(oc, "total"), "complaints"), "open")) == 1);

  // The text report says the same to a person.
  auto text = server.Admin({"report", "--ward", c, "--today", "2021-05-23"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("19h (19 giờ): 450 of 500 voted = 90.0%") != std::string::npos);
  CHECK(text.out.find(doubtful) != std::string::npos);

  // Bad input: a clear error, nothing printed on stdout.
  for (const auto& bad : std::vector<std::vector<std::string>>{{"report", "--ward", "phuong-khong-co"},
                                                                {"report", "--form", "no-such-form"},
                                                                {"report", "--today", "23/05/2021"},
                                                                {"report", "--complaint-days", "-3"}}) {
    auto r = server.Admin(bad);
    INFO(bad[1]);
    CHECK(r.exit_code != 0);
    CHECK(r.out.empty());
    CHECK(r.err.find("error:") != std::string::npos);
  }
  CHECK(server.Stop() == 0);
}

TEST_CASE("vote-count minutes across two wards: report --json sums each candidate's votes, names the doubtful",
          "[e2e][report]") {
  ServerProcess server;
  server.Start();
  const auto wards = PublishedWards(server);
  const std::string a = wards[0], b = wards[1];
  ClientProcess a1(server, a, "officer", "Nguyễn Văn An");
  ClientProcess b1(server, b, "officer", "Lê Thị Hoa");
  ClientProcess b2(server, b, "officer", "Trần Văn Nam");
  TempDir files("e2e-minutes");
  // Constituencies, candidates and polling areas are picked from the lists
  // the pack publishes (forms/election/choices/), as tally-minutes 4 requires.
  const auto qh_units = Entries(server, "constituencies", "", "qh-");
  const auto city_units = Entries(server, "constituencies", "", "tp-");
  REQUIRE(!qh_units.empty());
  REQUIRE(!city_units.empty());
  const std::string qh1 = qh_units[0].first, tp1 = city_units[0].first;
  const auto national = Entries(server, "candidates", "", qh1 + "-");
  const auto city = Entries(server, "candidates", "", tp1 + "-");
  const auto areas_a = Entries(server, "polling-areas", a, "");
  const auto areas_b = Entries(server, "polling-areas", b, "");
  REQUIRE(national.size() >= 3);
  REQUIRE(!city.empty());
  REQUIRE(areas_a.size() >= 2);
  REQUIRE(areas_b.size() >= 2);
  const std::string an = national[0].first, binh = national[1].first, cuong = national[2].first, hoa = city[0].first;
  const std::string a01 = areas_a[0].first, a02 = areas_a[1].first, b01 = areas_b[0].first, b02 = areas_b[1].first;

  // Ward a: areas 01 and 02 for the National Assembly, 01 for the city council.
  Minutes(a1, files, "quoc-hoi", qh1, a01, {{an, 610}, {binh, 420}, {cuong, 300}});
  Minutes(a1, files, "quoc-hoi", qh1, a02, {{binh, 515}, {an, 480}, {cuong, 220}});
  Minutes(a1, files, "hdnd-thanh-pho", tp1, a01, {{hoa, 700}});
  // The candidate register (its own form, candidates picked from the list): two for the National Assembly.
  New(a1, "candidate",
      {"level=quoc-hoi", "constituency=1", "candidate=" + an, "gender=nu", "birth_year=1985", "ethnicity=Tày",
       "ethnic_minority=true", "party_member=true", "full_time=true", "re_standing=false", "nomination=gioi-thieu"});
  New(a1, "candidate",
      {"level=quoc-hoi", "constituency=1", "candidate=" + binh, "gender=nam", "birth_year=1968", "ethnicity=Kinh",
       "ethnic_minority=false", "party_member=false", "full_time=false", "re_standing=true", "nomination=tu-ung-cu"});
  Sync(a1);

  // Ward b: area 01 once; area 02 entered by both officers: the later copy is
  // a DUPLICATE conflict (tally-minutes' unique key: level + polling area),
  // named and not summed, the first is summed once; area 03 has its turnout
  // report, no minutes yet.
  Minutes(b1, files, "quoc-hoi", qh1, b01, {{an, 90}, {binh, 75}, {cuong, 40}});
  const std::string dup1 = Minutes(b1, files, "quoc-hoi", qh1, b02, {{an, 100}, {binh, 100}, {cuong, 100}});
  const std::string dup2 = Minutes(b2, files, "quoc-hoi", qh1, b02, {{an, 101}, {binh, 100}, {cuong, 100}});
  REQUIRE(areas_a.size() >= 3);
  REQUIRE(areas_b.size() >= 3);
  const std::string b03 = areas_b[2].first;
  Turnout(b1, b03, "19h", 900, 800);
  Sync(b1);
  Sync(b2);

  auto run = server.Admin({"report", "--json", "--today", "2021-05-23"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const JsonValue report = ParseJson(run.out);
  const JsonValue& total = At(report, "total");

  // City: a/01 + a/02 + b/01 + b/02 (its first copy); b/02's second copy left out.
  CHECK(Votes(total, "quoc-hoi", qh1) == std::map<std::string, double>{{an, 610 + 480 + 90 + 100},
                                                                   {binh, 420 + 515 + 75 + 100},
                                                                   {cuong, 300 + 220 + 40 + 100}});
  CHECK(Votes(total, "hdnd-thanh-pho", tp1) == std::map<std::string, double>{{hoa, 700}});
  const JsonValue& qh = Level(total, "votes", "quoc-hoi");
  REQUIRE(Items(At(qh, "constituencies")).size() == 1);  // one constituency, however it was spelt
  const JsonValue& c1 = Items(At(qh, "constituencies"))[0];
  CHECK(Str(At(c1, "constituency")) == qh1);
  CHECK(Str(At(c1, "label")) == qh_units[0].second);  // shown by the list's label
  CHECK(!Bool(At(c1, "typed")));
  CHECK(Num(At(c1, "areas")) == 4);
  CHECK(Num(At(c1, "duplicated")) == 0);
  CHECK(!Bool(At(At(total, "votes"), "overflow")));
  // Missing: the list's areas of each ward with no minutes of that level.
  auto missing = [](const JsonValue& level) {
    std::set<std::string> out;
    for (const auto& m : Items(At(level, "missing"))) out.insert(Str(At(m, "ward")) + "/" + Str(At(m, "area")));
    return out;
  };
  const size_t listed = Entries(server, "polling-areas", "", "").size();
  CHECK(missing(qh).size() == listed - 4);
  CHECK(missing(Level(WardOf(report, b), "votes", "quoc-hoi")) == std::set<std::string>{b + "/" + b03});
  CHECK(missing(Level(WardOf(report, a), "votes", "quoc-hoi")) == std::set<std::string>{a + "/" + areas_a[2].first});
  // The city council has minutes only for a/01: every other area is missing.
  CHECK(missing(Level(total, "votes", "hdnd-thanh-pho")).size() == listed - 1);
  CHECK(missing(Level(WardOf(report, a), "votes", "hdnd-thanh-pho")) ==
        std::set<std::string>{a + "/" + a02, a + "/" + areas_a[2].first});
  CHECK(Str(At(qh, "label")) == "Đại biểu Quốc hội khóa XV");
  CHECK(Named(total) == std::set<std::string>{dup2});
  for (const auto& item : Items(At(WardOf(report, b), "under_review"))) {
    CHECK(Str(At(item, "problem")).find("DUPLICATE: same unique key as record " + dup1) != std::string::npos);
  }

  // Per ward.
  CHECK(Votes(WardOf(report, a), "quoc-hoi", qh1) ==
        std::map<std::string, double>{{an, 610 + 480}, {binh, 420 + 515}, {cuong, 300 + 220}});
  CHECK(Votes(WardOf(report, b), "quoc-hoi", qh1) ==
        std::map<std::string, double>{{an, 90 + 100}, {binh, 75 + 100}, {cuong, 40 + 100}});

  // Candidate structure of the register.
  const JsonValue& cs = Level(total, "candidates", "quoc-hoi");
  CHECK(Num(At(cs, "candidates")) == 2);
  CHECK(Num(At(At(cs, "women"), "count")) == 1);
  CHECK(Num(At(At(cs, "under_40"), "count")) == 1);
  CHECK(Num(At(At(cs, "non_party"), "count")) == 1);
  CHECK(Num(At(At(cs, "ethnic_minority"), "count")) == 1);
  CHECK(Num(At(At(cs, "re_standing"), "count")) == 1);
  CHECK(Num(At(At(cs, "women"), "share")) == Approx(0.5));

  // The text report says the same to a person.
  auto text = server.Admin({"report", "--ward", a, "--today", "2021-05-23"});
  REQUIRE(text.exit_code == 0);
  // A candidate is shown by the list's label, with the value the totals are keyed by.
  CHECK(text.out.find(national[0].second + " (" + an + "): 1090") != std::string::npos);
  CHECK(text.out.find("constituency " + qh_units[0].second + " (" + qh1 + ") (2 areas):") != std::string::npos);

  // verify checks the unique-key index: 6 minutes (both copies of b/02 hold
  // the key), 1 turnout report, 2 candidates.
  auto verified = server.Admin({"verify", "--json"});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);
  CHECK(Num(At(ParseJson(verified.out), "unique_keys")) == 9);
  CHECK(server.Stop() == 0);
}

// The sections of `wardsync-server report` beyond voter meetings: turnout per
// checkpoint, readiness of polling areas, incidents, complaints, candidate
// structure, vote totals of the minutes (repeat-group rows), each fed
// hand-built record states; and the rule they share: a record under review
// or a duplicate is counted apart and named, never summed.
#include <catch2/catch.hpp>

#include <limits>
#include <set>
#include <sstream>

#include "server/audit/report_tally.h"
#include "tests/support/json.h"

using namespace wardsync::server::audit;
using wardsync::records::RecordState;
namespace test = wardsync::test;

namespace {

int next_id = 1;

RecordState Rec(const std::string& form, const std::string& ward) {
  RecordState r;
  r.set_form_id(form);
  r.set_ward(ward);
  std::string id(16, '\0');
  id[15] = static_cast<char>(next_id++);
  r.set_record_id(id);
  return r;
}
void Int(RecordState& r, const std::string& f, int64_t v) { (*r.mutable_fields())[f].mutable_value()->set_integer(v); }
void Choice(RecordState& r, const std::string& f, const std::string& v) {
  (*r.mutable_fields())[f].mutable_value()->set_choice(v);
}
void Text(RecordState& r, const std::string& f, const std::string& v) {
  (*r.mutable_fields())[f].mutable_value()->set_text(v);
}
void Date(RecordState& r, const std::string& f, const std::string& v) {
  (*r.mutable_fields())[f].mutable_value()->set_date(v);
}
void Flag(RecordState& r, const std::string& f, bool v) { (*r.mutable_fields())[f].mutable_value()->set_boolean(v); }

void OpenConflict(RecordState& r, wardsync::records::ConflictKind kind) {
  auto* c = r.add_conflicts();
  c->set_open(true);
  c->set_kind(kind);
}

RecordState Turnout(const std::string& ward, const std::string& area, const std::string& at, int64_t registered,
                    int64_t votes) {
  RecordState r = Rec(kTurnoutForm, ward);
  Text(r, "station_code", area);
  Date(r, "report_date", "2021-05-23");
  Choice(r, "report_time", at);
  Int(r, "registered_voters", registered);
  Int(r, "votes_cast", votes);
  return r;
}

RecordState Check(const std::string& ward, const std::string& area, const std::string& date,
                  const std::string& readiness, bool posted, int64_t registered) {
  RecordState r = Rec(kReadinessForm, ward);
  Text(r, "station_code", area);
  Date(r, "check_date", date);
  Choice(r, "readiness", readiness);
  Flag(r, "voter_list_posted", posted);
  Int(r, "registered_voters", registered);
  Int(r, "ballots_received", registered);
  return r;
}

RecordState Incident(const std::string& ward, const std::string& severity, std::optional<bool> resolved,
                     int64_t involved, int64_t injured) {
  RecordState r = Rec(kIncidentForm, ward);
  Date(r, "incident_date", "2021-05-22");
  Choice(r, "category", "gay-roi-trat-tu");
  Choice(r, "severity", severity);
  Text(r, "location", "Tổ 5");
  Int(r, "people_involved", involved);
  Int(r, "injured", injured);
  Flag(r, "police_notified", true);
  if (resolved) Flag(r, "resolved", *resolved);
  return r;
}

RecordState Complaint(const std::string& ward, const std::string& received, const std::string& status) {
  RecordState r = Rec(kComplaintForm, ward);
  if (!received.empty()) Date(r, "received_date", received);
  Choice(r, "kind", "khieu-nai");
  Choice(r, "subject", "danh-sach-cu-tri");
  Choice(r, "status", status);
  return r;
}

const std::string kA = "phuong-tan-thinh";
const std::string kB = "xa-tan-cuong";

RecordState Candidate(const std::string& ward, const std::string& level, const std::string& gender, int64_t born,
                      bool minority, bool party, bool again) {
  RecordState r = Rec(kCandidateForm, ward);
  Choice(r, "level", level);
  Text(r, "constituency", "1");
  Text(r, "full_name", "Người " + std::to_string(next_id));
  Choice(r, "gender", gender);
  Int(r, "birth_year", born);
  Flag(r, "ethnic_minority", minority);
  Flag(r, "party_member", party);
  Flag(r, "re_standing", again);
  return r;
}

struct Row {
  std::string id;
  std::string name;
  int64_t votes;
};

RecordState Minutes(const std::string& ward, const std::string& level, const std::string& constituency,
                    const std::string& area, const std::vector<Row>& rows) {
  RecordState r = Rec(kTallyMinutesForm, ward);
  Choice(r, "level", level);
  Text(r, "constituency", constituency);
  Text(r, "polling_area", area);
  Int(r, "seats", 2);
  int64_t pos = 1;
  for (const auto& row : rows) {
    Int(r, "candidates[" + row.id + "]", pos++);
    Text(r, "candidates[" + row.id + "].full_name", row.name);
    Int(r, "candidates[" + row.id + "].votes", row.votes);
  }
  return r;
}

const test::JsonValue* Find(const test::JsonValue& list, const std::string& key, const std::string& value) {
  for (const auto& item : test::Items(list)) {
    if (test::Str(test::At(item, key)) == value) return &item;
  }
  return nullptr;
}

test::JsonValue SectionJson(const WardTally& t, bool votes) {
  wardsync::util::JsonWriter w;
  if (votes) t.section<VoteTally>().Json(w, ReportContext{"2021-05-23", 5});
  else t.section<CandidateStructureTally>().Json(w, ReportContext{"2021-05-23", 5});
  return test::ParseJson(w.str());
}

}  // namespace

TEST_CASE("turnout: per checkpoint, areas, voters, share and the areas not yet reported") {
  ReportTally t;
  t.AddRecord(Turnout(kA, "01", "09h", 1000, 300));
  t.AddRecord(Turnout(kA, "02", "09h", 800, 200));
  t.AddRecord(Turnout(kA, "01", "12h", 1000, 650));
  t.AddRecord(Turnout(kB, "01", "09h", 500, 100));  // same code, another ward: another area
  auto mobile = Turnout(kB, "01", "12h", 500, 400);
  Int(mobile, "mobile_box_votes", 12);
  OpenConflict(mobile, wardsync::records::VALUES);
  t.AddRecord(mobile);

  const auto a = t.wards.at(kA).section<TurnoutTally>().Checkpoints();
  REQUIRE(a.size() == 2);
  CHECK(a.at("09h").areas == 2);
  CHECK(a.at("09h").registered_voters == 1800);
  CHECK(a.at("09h").votes_cast == 500);
  CHECK(*a.at("09h").Turnout() == Approx(500.0 / 1800.0));
  CHECK(a.at("09h").missing.empty());
  REQUIRE(a.at("12h").missing.size() == 1);
  CHECK(a.at("12h").missing[0] == AreaKey{kA, "02"});

  const auto city = t.Total().section<TurnoutTally>().Checkpoints();
  CHECK(city.at("09h").areas == 3);
  CHECK(city.at("09h").votes_cast == 600);
  CHECK(city.at("12h").areas == 2);
  CHECK(city.at("12h").votes_cast == 1050);
  CHECK(city.at("12h").registered_voters == 1500);
  CHECK(city.at("12h").mobile_box_votes == 12);
  CHECK(city.at("12h").provisional == 1);
  CHECK(city.at("12h").missing.size() == 1);
}

TEST_CASE("turnout: two reports of one area at one checkpoint are both named and neither summed") {
  ReportTally t;
  t.AddRecord(Turnout(kA, "01", "12h", 1000, 600));
  auto first = Turnout(kA, "03", "12h", 900, 500);
  auto second = Turnout(kA, "03", "12h", 900, 520);
  t.AddRecord(first);
  t.AddRecord(second);
  t.AddRecord(Turnout(kA, "03", "15h", 900, 700));  // another checkpoint: no duplicate

  const WardTally& w = t.wards.at(kA);
  const auto cp = w.section<TurnoutTally>().Checkpoints();
  CHECK(cp.at("12h").areas == 1);
  CHECK(cp.at("12h").votes_cast == 600);  // not 1,620 nor 1,100
  CHECK(cp.at("12h").duplicated == 1);
  CHECK(cp.at("15h").areas == 1);
  const auto doubtful = w.Doubtful();
  REQUIRE(doubtful.size() == 2);
  CHECK(doubtful[0].record == RecordHex(first));
  CHECK(doubtful[1].record == RecordHex(second));
  CHECK(doubtful[0].form == kTurnoutForm);
  CHECK(doubtful[0].what.find("DUPLICATE") != std::string::npos);
  CHECK(doubtful[0].what.find("polling area 03 at 12h") != std::string::npos);
  CHECK(doubtful[1].values == "registered_voters=900, votes_cast=520");
  // The city total names them too.
  CHECK(t.Total().Doubtful().size() == 2);
}

TEST_CASE("every section leaves a record under review out of its figures and the ward names it") {
  auto kind = GENERATE(wardsync::records::RULE, wardsync::records::REJECTED);
  ReportTally t;
  auto turnout = Turnout(kA, "01", "19h", 1000, 1200);
  auto check = Check(kA, "01", "2021-05-20", "san-sang", true, 1000);
  auto incident = Incident(kA, "cao", false, 3, 5);
  auto complaint = Complaint(kA, "2021-05-10", "moi-tiep-nhan");
  for (auto* r : {&turnout, &check, &incident, &complaint}) {
    OpenConflict(*r, kind);
    t.AddRecord(*r);
  }
  const WardTally& w = t.wards.at(kA);
  CHECK(w.review.size() == 4);
  CHECK(w.Doubtful().size() == 4);
  CHECK(w.section<TurnoutTally>().under_review() == 1);
  CHECK(w.section<TurnoutTally>().Checkpoints().empty());
  CHECK(w.section<ReadinessTally>().under_review() == 1);
  CHECK(w.section<ReadinessTally>().Figures().areas == 0);
  CHECK(w.section<IncidentTally>().under_review == 1);
  CHECK(w.section<IncidentTally>().incidents == 0);
  CHECK(w.section<IncidentTally>().open.empty());
  CHECK(w.section<ComplaintTally>().under_review == 1);
  CHECK(w.section<ComplaintTally>().open.empty());
  // Deleted records are no one's figures and not under review.
  ReportTally d;
  auto gone = Incident(kA, "cao", false, 3, 1);
  gone.set_deleted(true);
  d.AddRecord(gone);
  CHECK(d.wards.at(kA).section<IncidentTally>().incidents == 0);
  CHECK(d.wards.at(kA).Doubtful().empty());
}

TEST_CASE("readiness: the latest check of an area holds; two on that day are in doubt; not ready ones named") {
  ReportTally t;
  // Rechecked after fixing: the later check holds whatever the order added.
  t.AddRecord(Check(kA, "01", "2021-05-21", "san-sang", true, 1000));
  t.AddRecord(Check(kA, "01", "2021-05-18", "chua-dat", false, 1000));
  auto short_of = Check(kA, "02", "2021-05-20", "can-bo-sung", true, 800);
  Text(short_of, "issues", "Thiếu máy phát điện");
  t.AddRecord(short_of);
  auto unposted = Check(kA, "04", "2021-05-20", "san-sang", false, 600);
  t.AddRecord(unposted);
  auto one = Check(kA, "03", "2021-05-20", "san-sang", true, 700);
  auto two = Check(kA, "03", "2021-05-20", "chua-dat", true, 700);
  t.AddRecord(one);
  t.AddRecord(two);
  t.AddRecord(Check(kB, "01", "2021-05-19", "san-sang", true, 500));

  const WardTally& w = t.wards.at(kA);
  const ReadinessFigures f = w.section<ReadinessTally>().Figures();
  CHECK(f.areas == 3);
  CHECK(f.by_readiness.at("san-sang") == 2);
  CHECK(f.by_readiness.at("can-bo-sung") == 1);
  CHECK(f.by_readiness.count("chua-dat") == 0);  // the old check of 01 and the doubtful 03 are not taken
  CHECK(f.registered_voters == 2400);
  CHECK(f.list_not_posted == 1);
  CHECK(f.in_doubt == 1);
  REQUIRE(f.not_ready.size() == 2);
  CHECK(f.not_ready[0].area.area == "02");
  CHECK(f.not_ready[0].issues == "Thiếu máy phát điện");
  CHECK(f.not_ready[0].record == RecordHex(short_of));
  CHECK(f.not_ready[1].record == RecordHex(unposted));
  const auto doubtful = w.Doubtful();
  REQUIRE(doubtful.size() == 2);
  CHECK(doubtful[0].record == RecordHex(one));
  CHECK(doubtful[1].record == RecordHex(two));
  CHECK(doubtful[1].what.find("2 checks of polling area 03 on 2021-05-20") != std::string::npos);

  const ReadinessFigures city = t.Total().section<ReadinessTally>().Figures();
  CHECK(city.areas == 4);
  CHECK(city.registered_voters == 2900);
  CHECK(city.in_doubt == 1);
}

TEST_CASE("incidents: per severity, the open ones named, people summed with checked arithmetic") {
  ReportTally t;
  t.AddRecord(Incident(kA, "cao", false, 10, 2));
  t.AddRecord(Incident(kA, "cao", true, 4, 0));
  t.AddRecord(Incident(kA, "thap", std::nullopt, 1, 0));  // not marked resolved: open
  t.AddRecord(Incident(kB, "cao", true, 6, 1));

  const IncidentTally& a = t.wards.at(kA).section<IncidentTally>();
  CHECK(a.incidents == 3);
  CHECK(a.by_severity.at("cao").incidents == 2);
  CHECK(a.by_severity.at("cao").open == 1);
  CHECK(a.by_severity.at("cao").people_involved == 14);
  CHECK(a.by_severity.at("thap").open == 1);
  REQUIRE(a.open.size() == 2);
  CHECK(a.open[0].severity == "cao");
  CHECK(a.open[0].ward == kA);
  CHECK(a.open[0].location == "Tổ 5");

  const WardTally total = t.Total();
  const IncidentTally& city = total.section<IncidentTally>();
  CHECK(city.incidents == 4);
  CHECK(city.by_severity.at("cao").incidents == 3);
  CHECK(city.by_severity.at("cao").injured == 3);
  CHECK(city.open.size() == 2);
  CHECK_FALSE(total.Overflowed());

  t.AddRecord(Incident(kA, "cao", false, std::numeric_limits<int64_t>::max(), 0));
  t.AddRecord(Incident(kB, "cao", false, std::numeric_limits<int64_t>::max(), 0));
  const WardTally over = t.Total();
  CHECK(over.section<IncidentTally>().by_severity.at("cao").people_involved.overflow());
  CHECK(over.Overflowed());
  wardsync::util::JsonWriter w;
  over.section<IncidentTally>().Json(w, {});
  const auto json = test::ParseJson(w.str());
  CHECK(test::Bool(test::At(json, "overflow")));
  CHECK(test::IsNull(test::At(test::Items(test::At(json, "by_severity"))[0], "people_involved")));
}

TEST_CASE("dates: day numbers across leap days and back") {
  CHECK(DayNumber("1970-01-01") == 0);
  CHECK(*DayNumber("2021-05-23") - *DayNumber("2021-05-13") == 10);
  CHECK(*DayNumber("2020-03-01") - *DayNumber("2020-02-28") == 2);
  CHECK(*DayNumber("2021-03-01") - *DayNumber("2021-02-28") == 1);
  CHECK(DateOfDay(*DayNumber("2024-02-29")) == "2024-02-29");
  CHECK_FALSE(DayNumber("2021-02-29"));
  CHECK_FALSE(DayNumber("23/05/2021"));
}

TEST_CASE("complaints: the open ones with their age against the deadline") {
  ReportTally t;
  auto overdue = Complaint(kA, "2021-05-10", "moi-tiep-nhan");
  t.AddRecord(overdue);
  auto own = Complaint(kA, "2021-05-10", "dang-xu-ly");
  Date(own, "due_date", "2021-06-09");  // its own due date (30 days) wins over --complaint-days
  t.AddRecord(own);
  t.AddRecord(Complaint(kA, "2021-05-01", "da-giai-quyet"));
  t.AddRecord(Complaint(kB, "2021-05-02", "chuyen-co-quan-khac"));
  auto undated = Complaint(kB, "", "moi-tiep-nhan");
  t.AddRecord(undated);

  ReportContext ctx;
  ctx.today = "2021-05-17";
  ctx.complaint_days = 5;
  const ComplaintTally& a = t.wards.at(kA).section<ComplaintTally>();
  CHECK(a.complaints == 3);
  CHECK(a.by_status.at("da-giai-quyet") == 1);
  REQUIRE(a.open.size() == 2);
  const ComplaintAge late = AgeOf(a.open[0], ctx);
  CHECK(late.age_days == 7);
  CHECK(late.due == "2021-05-15");
  CHECK(late.days_left == -2);
  CHECK(late.overdue());
  const ComplaintAge ok = AgeOf(a.open[1], ctx);
  CHECK(ok.due == "2021-06-09");
  CHECK(ok.days_left == 23);
  CHECK_FALSE(ok.overdue());
  CHECK(a.Overdue(ctx) == 1);
  ctx.complaint_days = 10;  // the default deadline moves, the record's own does not
  CHECK(a.Overdue(ctx) == 0);

  const ComplaintTally city = t.Total().section<ComplaintTally>();
  CHECK(city.complaints == 5);
  CHECK(city.open.size() == 3);
  const ComplaintAge none = AgeOf(city.open[2], ctx);
  CHECK_FALSE(none.age_days);  // no received date: no age, never a guess
  CHECK_FALSE(none.due);
  CHECK_FALSE(none.overdue());
}

TEST_CASE("a ward's JSON keeps the existing keys and adds one object per section") {
  ReportTally t;
  t.AddRecord(Turnout(kA, "01", "19h", 1000, 870));
  wardsync::util::JsonWriter w;
  w.BeginObject();
  const WardTally& ward = t.wards.at(kA);
  ward.ForEachSection([&](const auto& s) {
    w.Key(s.kJsonKey);
    s.Json(w, ReportContext{"2021-05-23", 5});
  });
  w.EndObject();
  const auto json = test::ParseJson(w.str());
  CHECK(test::Num(test::At(test::At(json, "voter_meetings"), "meetings")) == 0);
  const auto& cp = test::Items(test::At(test::At(json, "turnout"), "checkpoints"));
  REQUIRE(cp.size() == 1);
  CHECK(test::Str(test::At(cp[0], "checkpoint")) == "19h");
  CHECK(test::Num(test::At(cp[0], "votes_cast")) == 870);
  CHECK(test::Num(test::At(cp[0], "turnout")) == Approx(0.87));
  CHECK(test::Num(test::At(test::At(json, "readiness"), "areas")) == 0);
  CHECK(test::Num(test::At(test::At(json, "incidents"), "incidents")) == 0);
  CHECK(test::Num(test::At(test::At(json, "complaints"), "open")) == 0);
}

TEST_CASE("candidates: per level, women, under 40, non-party, ethnic minority, re-standing; city = all wards") {
  ReportTally report;
  report.AddRecord(Candidate("phuong-a", "hdnd-thanh-pho", "nu", 1985, true, false, false));   // 36 in 2021
  report.AddRecord(Candidate("phuong-a", "hdnd-thanh-pho", "nam", 1970, false, true, true));
  report.AddRecord(Candidate("xa-b", "hdnd-thanh-pho", "nu", 1982, false, true, true));        // 39
  report.AddRecord(Candidate("xa-b", "hdnd-phuong-xa", "nam", 1981, false, false, false));     // 40: not under 40
  RecordState blank = Rec(kCandidateForm, "xa-b");
  Choice(blank, "level", "hdnd-phuong-xa");
  report.AddRecord(blank);  // nothing known but its level
  RecordState broken = Candidate("xa-b", "hdnd-phuong-xa", "nu", 1990, true, false, false);
  auto* c = broken.add_conflicts();
  c->set_open(true);
  c->set_kind(wardsync::records::RULE);
  report.AddRecord(broken);

  const WardTally city = report.Total();
  const auto levels = city.section<CandidateStructureTally>().levels();
  const LevelStructure& tp = levels.at("hdnd-thanh-pho");
  CHECK(tp.candidates == 3);
  CHECK(tp.women.yes == 2);
  CHECK(tp.non_party.yes == 1);
  CHECK(tp.ethnic_minority.yes == 1);
  CHECK(tp.re_standing.yes == 2);
  CHECK(tp.UnderForty(2021).yes == 2);
  CHECK(tp.UnderForty(2026).yes == 0);  // the same register five years on

  const LevelStructure& px = levels.at("hdnd-phuong-xa");
  CHECK(px.candidates == 2);  // the broken one is under review, not counted
  CHECK(px.women.yes == 0);
  CHECK(px.women.unknown == 1);
  CHECK(px.UnderForty(2021).yes == 0);
  CHECK(px.UnderForty(2021).unknown == 1);
  CHECK(city.section<CandidateStructureTally>().under_review() == 1);
  CHECK(city.Doubtful().size() == 1);

  const auto json = SectionJson(city, false);
  const auto* level = Find(test::At(json, "levels"), "level", "hdnd-thanh-pho");
  REQUIRE(level != nullptr);
  CHECK(test::Num(test::At(*level, "candidates")) == 3);
  CHECK(test::Num(test::At(test::At(*level, "women"), "share")) == Approx(2.0 / 3.0));
  CHECK(test::Num(test::At(test::At(*level, "under_40"), "count")) == 2);
  CHECK(test::Num(test::At(test::At(*level, "non_party"), "count")) == 1);

  // Per ward as well.
  CHECK(report.wards.at("phuong-a").section<CandidateStructureTally>().levels().at("hdnd-thanh-pho").candidates == 2);
}

TEST_CASE("votes: per candidate per constituency summed over areas and wards, missing areas named") {
  ReportTally report;
  report.AddRecord(Minutes("phuong-a", "quoc-hoi", "1", "01", {{"r1", "Nguyễn Văn An", 300}, {"r2", "Trần Thị Bình", 250}}));
  report.AddRecord(Minutes("phuong-a", "quoc-hoi", "1", "02", {{"x9", "Trần Thị Bình", 410}, {"x3", "Nguyễn Văn An", 120}}));
  report.AddRecord(Minutes("xa-b", "quoc-hoi", "1", "01", {{"k1", "Nguyễn Văn An", 7}}));
  report.AddRecord(Minutes("xa-b", "hdnd-phuong-xa", "3", "01", {{"k1", "Lê Văn Cường", 50}}));
  report.AddRecord(Turnout("phuong-a", "03", "19h", 100, 90));  // an area phuong-a knows that has no minutes yet

  const WardTally city = report.Total();
  const auto levels = city.section<VoteTally>().Levels();
  const ConstituencyVotes& qh = levels.at("quoc-hoi").typed_constituencies.at("1");
  CHECK(qh.areas == 3);
  CHECK(qh.votes.at("Nguyễn Văn An") == 427);
  CHECK(qh.votes.at("Trần Thị Bình") == 660);
  // quoc-hoi: phuong-a/03 has none; hdnd-phuong-xa: everything but xa-b/01.
  REQUIRE(levels.at("quoc-hoi").missing.size() == 1);
  CHECK(levels.at("quoc-hoi").missing[0].Text() == "phuong-a/03");
  CHECK(levels.at("hdnd-phuong-xa").missing.size() == 3);
  CHECK(city.Doubtful().empty());

  const auto json = SectionJson(city, true);
  const auto* qhj = Find(test::At(json, "levels"), "level", "quoc-hoi");
  REQUIRE(qhj != nullptr);
  const auto* c1 = Find(test::At(*qhj, "constituencies"), "constituency", "1");
  REQUIRE(c1 != nullptr);
  const auto* an = Find(test::At(*c1, "candidates"), "full_name", "Nguyễn Văn An");
  REQUIRE(an != nullptr);
  CHECK(test::Num(test::At(*an, "votes")) == 427);

  // The ward alone.
  CHECK(report.wards.at("xa-b").section<VoteTally>().Levels().at("quoc-hoi").typed_constituencies.at("1").votes.at(
            "Nguyễn Văn An") == 7);
}

TEST_CASE("votes: removed rows are not read; doubtful minutes are counted apart and named, never summed") {
  ReportTally report;
  RecordState removed = Minutes("phuong-a", "quoc-hoi", "1", "01", {{"r1", "An", 30}, {"r2", "Bình", 20}});
  (*removed.mutable_fields())["candidates[r2]"].clear_value();  // the row was removed; its values stay
  report.AddRecord(removed);
  // Two minutes of area 02 for the same level: neither summed.
  report.AddRecord(Minutes("phuong-a", "quoc-hoi", "1", "02", {{"r1", "An", 100}}));
  report.AddRecord(Minutes("phuong-a", "quoc-hoi", "1", "02", {{"r1", "An", 101}}));
  // A row without votes, and one candidate on two rows.
  RecordState no_votes = Minutes("phuong-a", "quoc-hoi", "1", "03", {{"r1", "An", 5}});
  (*no_votes.mutable_fields())["candidates[r1].votes"].clear_value();
  report.AddRecord(no_votes);
  report.AddRecord(Minutes("phuong-a", "quoc-hoi", "1", "04", {{"r1", "An", 5}, {"r2", "An", 6}}));
  // Under review: a broken rule.
  RecordState broken = Minutes("phuong-a", "quoc-hoi", "1", "05", {{"r1", "An", 900}});
  auto* c = broken.add_conflicts();
  c->set_open(true);
  c->set_kind(wardsync::records::RULE);
  report.AddRecord(broken);
  // Provisional: a VALUES conflict still open; summed and said so.
  RecordState provisional = Minutes("phuong-a", "quoc-hoi", "1", "06", {{"r1", "An", 1}});
  auto* v = provisional.add_conflicts();
  v->set_open(true);
  v->set_kind(wardsync::records::VALUES);
  report.AddRecord(provisional);

  const WardTally& ward = report.wards.at("phuong-a");
  const ConstituencyVotes& c1 = ward.section<VoteTally>().Levels().at("quoc-hoi").typed_constituencies.at("1");
  CHECK(c1.areas == 2);
  CHECK(c1.votes.at("An") == 31);
  CHECK(c1.votes.count("Bình") == 0);
  CHECK(c1.duplicated == 2);
  CHECK(c1.incomplete == 2);
  CHECK(c1.provisional == 1);
  CHECK(ward.section<VoteTally>().under_review() == 1);
  // The area under review is known, so it shows as missing until it is resolved.
  const auto& missing = ward.section<VoteTally>().Levels().at("quoc-hoi").missing;
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].area == "05");

  const auto doubtful = ward.Doubtful();
  CHECK(doubtful.size() == 5);  // 1 under review + 2 duplicates + 2 incomplete
  int dup = 0, incomplete = 0;
  for (const auto& d : doubtful) {
    if (d.what.rfind("DUPLICATE", 0) == 0) ++dup;
    if (d.what.rfind("INCOMPLETE", 0) == 0) ++incomplete;
  }
  CHECK(dup == 2);
  CHECK(incomplete == 2);
}

TEST_CASE("votes: a sum past 2^64 is an overflow, never a wrapped number") {
  ReportTally report;
  const int64_t big = std::numeric_limits<int64_t>::max();
  report.AddRecord(Minutes("phuong-a", "quoc-hoi", "1", "01", {{"r1", "An", big}}));
  report.AddRecord(Minutes("phuong-a", "quoc-hoi", "1", "02", {{"r1", "An", big}}));
  report.AddRecord(Minutes("phuong-a", "quoc-hoi", "1", "03", {{"r1", "An", big}}));
  const WardTally city = report.Total();
  CHECK(city.Overflowed());
  const auto json = SectionJson(city, true);
  CHECK(test::Bool(test::At(json, "overflow")));
  const auto* qh = Find(test::At(json, "levels"), "level", "quoc-hoi");
  REQUIRE(qh != nullptr);
  const auto& an = test::Items(test::At(test::Items(test::At(*qh, "constituencies"))[0], "candidates"))[0];
  CHECK(test::IsNull(test::At(an, "votes")));
}

TEST_CASE("turnout: a checkpoint kept as a time of day (HH:MM) is read and ordered") {
  ReportTally report;
  for (const auto& [at, votes] : std::vector<std::pair<std::string, int64_t>>{{"15:00", 70}, {"09:00", 30}}) {
    RecordState r = Turnout("phuong-a", "01", "", 100, votes);
    (*r.mutable_fields())["report_time"].mutable_value()->set_time(at);
    report.AddRecord(r);
  }
  const auto cps = report.Total().section<TurnoutTally>().Checkpoints();
  REQUIRE(cps.size() == 2);
  CHECK(cps.begin()->first == "09:00");
  CHECK(cps.at("15:00").votes_cast == 70);
}

TEST_CASE("candidates 2: one list candidate registered by two wards is counted by neither and both are named") {
  ReportTally report;
  RecordState twice_a = Candidate("phuong-a", "quoc-hoi", "nu", 1985, false, true, false);
  RecordState twice_b = Candidate("xa-b", "quoc-hoi", "nu", 1985, false, true, false);
  RecordState once = Candidate("xa-b", "quoc-hoi", "nam", 1970, false, true, false);
  for (auto* r : {&twice_a, &twice_b, &once}) r->mutable_fields()->erase("full_name");
  Choice(twice_a, "candidate", "qh-dv1-tran-thi-lan");
  Choice(twice_b, "candidate", "qh-dv1-tran-thi-lan");
  Choice(once, "candidate", "qh-dv1-le-minh-tuan");
  for (const auto& r : {twice_a, twice_b, once}) report.AddRecord(r);
  report.AddRecord(Candidate("xa-b", "quoc-hoi", "nu", 1990, false, true, false));  // version 1, typed name

  // Each ward alone holds one registration of her: counted there.
  CHECK(report.wards.at("phuong-a").section<CandidateStructureTally>().levels().at("quoc-hoi").candidates == 1);
  const WardTally city = report.Total();
  const LevelStructure qh = city.section<CandidateStructureTally>().levels().at("quoc-hoi");
  CHECK(qh.candidates == 2);  // le-minh-tuan and the typed one
  CHECK(qh.duplicated == 2);
  CHECK(qh.women.yes == 1);
  std::set<std::string> named;
  for (const auto& item : city.Doubtful()) {
    CHECK(item.what.find("DUPLICATE: candidate qh-dv1-tran-thi-lan is registered by 2 records") == 0);
    named.insert(item.record);
  }
  CHECK(named == std::set<std::string>{RecordHex(twice_a), RecordHex(twice_b)});
}

TEST_CASE("areas expected from the published list: missing and not checked compare list values, labels shown") {
  ReportContext ctx{"2021-05-23", 5};
  ctx.ward_areas["phuong-a"] = {"phuong-a-kv01", "phuong-a-kv02", "phuong-a-kv03"};
  ctx.choice_labels["phuong-a-kv03"] = "Khu vực bỏ phiếu số 3";
  ctx.field_labels["turnout-report/report_time"]["19h"] = "19 giờ";
  ctx.scope = {"phuong-a", "xa-b"};
  ReportTally t;
  RecordState v2 = Turnout("phuong-a", "", "19h", 900, 800);
  v2.mutable_fields()->erase("station_code");
  Choice(v2, "polling_area", "phuong-a-kv01");
  t.AddRecord(v2);
  t.AddRecord(Turnout("phuong-a", "02", "19h", 700, 600));  // version 1: a typed code, summed, never expected
  t.AddRecord(Turnout("xa-b", "01", "19h", 500, 450));      // a ward the list gives nothing: its own codes
  t.AddRecord(Turnout("xa-b", "02", "09h", 500, 100));
  const WardTally city = t.Total();
  const auto at = city.section<TurnoutTally>().Checkpoints(ctx);
  CHECK(at.at("19h").areas == 3);
  CHECK(at.at("19h").missing == std::vector<AreaKey>{{"phuong-a", "phuong-a-kv02"}, {"phuong-a", "phuong-a-kv03"},
                                                     {"xa-b", "02"}});
  // A ward in scope with no record at all still expects its list's areas.
  ReportContext only_a = ctx;
  only_a.scope = {"phuong-a"};
  CHECK(ExpectedAreas(only_a, {}).size() == 3);

  wardsync::util::JsonWriter w;
  city.section<TurnoutTally>().Json(w, ctx);
  const auto json = test::ParseJson(w.str());
  const auto* close = Find(test::At(json, "checkpoints"), "checkpoint", "19h");
  REQUIRE(close != nullptr);
  CHECK(test::Str(test::At(*close, "label")) == "19 giờ");
  const auto* kv03 = Find(test::At(*close, "missing"), "area", "phuong-a-kv03");
  REQUIRE(kv03 != nullptr);
  CHECK(test::Str(test::At(*kv03, "label")) == "Khu vực bỏ phiếu số 3");

  // Readiness: the list's areas with no check are "not checked yet".
  ReportTally r;
  RecordState check = Check("phuong-a", "", "2021-05-20", "san-sang", true, 900);
  check.mutable_fields()->erase("station_code");
  Choice(check, "polling_area", "phuong-a-kv02");
  Flag(check, "candidate_list_posted", false);
  r.AddRecord(check);
  const auto f = r.Total().section<ReadinessTally>().Figures(ctx);
  CHECK(f.not_checked == std::vector<AreaKey>{{"phuong-a", "phuong-a-kv01"}, {"phuong-a", "phuong-a-kv03"}});
  REQUIRE(f.not_ready.size() == 1);  // its candidate list is not posted
  CHECK(f.not_ready[0].candidates_posted == false);
  CHECK(f.by_area.size() == 1);
}

TEST_CASE("votes: minutes version 4 are keyed by the constituency list value and show its label; typed ones apart") {
  // One row for qh-dv1-tran-thi-lan; the constituency as a list value
  // (version 4 on) or typed (versions 1-3).
  auto minutes = [](const std::string& ward, const std::string& area, const std::string& constituency, bool typed,
                    int64_t votes) {
    RecordState r = Minutes(ward, "quoc-hoi", constituency, area, {});
    if (!typed) Choice(r, "constituency", constituency);
    Int(r, "candidates[r1]", 1);
    Choice(r, "candidates[r1].candidate", "qh-dv1-tran-thi-lan");
    Int(r, "candidates[r1].votes", votes);
    return r;
  };
  ReportTally report;
  report.AddRecord(minutes("phuong-a", "phuong-a-kv01", "qh-dv1", false, 300));
  report.AddRecord(minutes("xa-b", "xa-b-kv01", "qh-dv1", false, 20));
  // Version 3 typed the constituency, here spelt like the list value: it is
  // still its own constituency, never summed into the picked one.
  report.AddRecord(minutes("phuong-a", "phuong-a-kv02", "qh-dv1", true, 7));

  const auto levels = report.Total().section<VoteTally>().Levels();
  const LevelVotes& qh = levels.at("quoc-hoi");
  REQUIRE(qh.constituencies.size() == 1);
  CHECK(qh.constituencies.at("qh-dv1").areas == 2);
  CHECK(qh.constituencies.at("qh-dv1").votes.at("qh-dv1-tran-thi-lan") == 320);
  REQUIRE(qh.typed_constituencies.size() == 1);
  CHECK(qh.typed_constituencies.at("qh-dv1").votes.at("qh-dv1-tran-thi-lan") == 7);

  ReportContext ctx{"2021-05-23", 5};
  ctx.field_labels["tally-minutes/constituency"]["qh-dv1"] = "Quốc hội khóa XV – Đơn vị bầu cử số 1";
  ctx.choice_labels["qh-dv1-tran-thi-lan"] = "Trần Thị Lan";
  wardsync::util::JsonWriter w;
  report.Total().section<VoteTally>().Json(w, ctx);
  const auto json = test::ParseJson(w.str());
  const auto& cs = test::At(test::Items(test::At(json, "levels"))[0], "constituencies");
  REQUIRE(test::Items(cs).size() == 2);
  const auto& picked = test::Items(cs)[0];  // list values first
  CHECK(test::Str(test::At(picked, "constituency")) == "qh-dv1");
  CHECK_FALSE(test::At(picked, "typed").bool_value());
  CHECK(test::Str(test::At(picked, "label")) == "Quốc hội khóa XV – Đơn vị bầu cử số 1");
  const auto& lan = test::Items(test::At(picked, "candidates"))[0];
  CHECK(test::Str(test::At(lan, "full_name")) == "Trần Thị Lan");
  CHECK(test::Num(test::At(lan, "votes")) == 320);
  const auto& typed = test::Items(cs)[1];
  CHECK(test::At(typed, "typed").bool_value());
  CHECK(test::Str(test::At(typed, "label")).empty());
  CHECK(test::Num(test::At(test::Items(test::At(typed, "candidates"))[0], "votes")) == 7);

  std::ostringstream text;
  report.Total().section<VoteTally>().Text(text, ctx);
  CHECK(text.str().find("constituency Quốc hội khóa XV – Đơn vị bầu cử số 1 (qh-dv1) (2 areas):\n"
                        "        Trần Thị Lan (qh-dv1-tran-thi-lan): 320\n") != std::string::npos);
  CHECK(text.str().find("constituency qh-dv1 [typed before version 4] (1 area):") != std::string::npos);
}

TEST_CASE("voter meetings: list values shown by label; typed names on the candidate they name, or apart") {
  auto meeting = [](const std::string& ward, const std::string& candidate, bool typed, int64_t attended,
                    int64_t agree) {
    RecordState r = Rec(kVoterMeetingForm, ward);
    if (typed) Text(r, "candidate", candidate);
    else Choice(r, "candidate", candidate);
    Int(r, "invited", attended);
    Int(r, "attended", attended);
    Int(r, "agree", agree);
    return r;
  };
  ReportTally report;
  report.AddRecord(meeting("phuong-a", "qh-dv1-tran-thi-lan", false, 100, 90));  // version 2
  report.AddRecord(meeting("xa-b", "qh-dv1-tran-thi-lan", false, 50, 40));
  report.AddRecord(meeting("phuong-a", " Trần Thị Lan ", true, 10, 10));     // version 1, the list's label exactly
  report.AddRecord(meeting("phuong-a", "Tran Thi Lan", true, 20, 5));        // version 1, another spelling
  report.AddRecord(meeting("xa-b", "Nguyễn Văn Hùng", true, 30, 15));       // the label of two list values
  report.AddRecord(meeting("xa-b", "qh-dv1-tran-thi-lan", true, 40, 20));   // typed, spelt like a value

  const WardTally city = report.Total();
  const MeetingTally& total = city.section<MeetingTally>();
  CHECK(total.meetings == 6);
  CHECK(total.picked.at("qh-dv1-tran-thi-lan").attended == 150);
  CHECK(total.typed.size() == 4);

  ReportContext ctx{"2021-05-23", 5};
  auto& labels = ctx.field_labels["voter-meeting/candidate"];
  labels["qh-dv1-tran-thi-lan"] = "Trần Thị Lan";
  labels["qh-dv1-nguyen-van-hung"] = "Nguyễn Văn Hùng";
  labels["tp-dv9-nguyen-van-hung"] = "Nguyễn Văn Hùng";
  const auto lines = total.Lines(ctx);
  REQUIRE(lines.size() == 4);
  // The list candidate: its two picked meetings and the one typed exactly as its label.
  CHECK(lines[0].candidate == "qh-dv1-tran-thi-lan");
  CHECK(lines[0].label == "Trần Thị Lan");
  CHECK_FALSE(lines[0].typed);
  CHECK(lines[0].figures.meetings == 3);
  CHECK(lines[0].typed_meetings == 1);
  CHECK(lines[0].figures.agree == 140);
  // Apart, each named: the homonym, the value-like text, the other spelling.
  CHECK(lines[1].candidate == "Nguyễn Văn Hùng");
  CHECK(lines[1].typed);
  CHECK(lines[1].homonyms == std::vector<std::string>{"qh-dv1-nguyen-van-hung", "tp-dv9-nguyen-van-hung"});
  CHECK(lines[2].candidate == "Tran Thi Lan");
  CHECK(lines[2].figures.attended == 20);
  CHECK(lines[3].candidate == "qh-dv1-tran-thi-lan");
  CHECK(lines[3].typed);
  CHECK(lines[3].figures.attended == 40);

  std::ostringstream text;
  total.Text(text, ctx);
  CHECK(text.str().find("    Trần Thị Lan (qh-dv1-tran-thi-lan) [1 of them typed in version 1]: 3 meetings, 160 attended") !=
        std::string::npos);
  CHECK(text.str().find("    \"Tran Thi Lan\" [typed in version 1, not a name in the candidates list]: 1 meeting") !=
        std::string::npos);
  CHECK(text.str().find("    \"Nguyễn Văn Hùng\" [typed in version 1, the name of 2 listed candidates: "
                        "qh-dv1-nguyen-van-hung tp-dv9-nguyen-van-hung]: 1 meeting") != std::string::npos);
  wardsync::util::JsonWriter w;
  total.Json(w, ctx);
  const auto json = test::ParseJson(w.str());
  const auto& first = test::Items(test::At(json, "candidates"))[0];
  CHECK(test::Str(test::At(first, "label")) == "Trần Thị Lan");
  CHECK(test::Num(test::At(first, "typed_meetings")) == 1);
  CHECK(test::Num(test::At(first, "meetings")) == 3);
  CHECK(test::At(test::Items(test::At(json, "candidates"))[1], "typed").bool_value());
}

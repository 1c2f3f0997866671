// The two election sections of `wardsync-server report` fed hand-built
// record states, repeat-group rows included: candidate structure per level,
// and vote totals per candidate per constituency with the polling areas
// still missing; doubtful minutes counted apart and named, never summed.
#include <catch2/catch.hpp>

#include <limits>

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
  id[14] = 'v';
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
void Flag(RecordState& r, const std::string& f, bool v) { (*r.mutable_fields())[f].mutable_value()->set_boolean(v); }

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

RecordState Turnout(const std::string& ward, const std::string& area) {
  RecordState r = Rec(kTurnoutForm, ward);
  Text(r, "station_code", area);
  Choice(r, "report_time", "19h");
  Int(r, "registered_voters", 100);
  Int(r, "votes_cast", 90);
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
  const auto& levels = city.section<CandidateStructureTally>().levels();
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
  report.AddRecord(Turnout("phuong-a", "03"));  // an area phuong-a knows that has no minutes yet

  const WardTally city = report.Total();
  const auto levels = city.section<VoteTally>().Levels();
  const ConstituencyVotes& qh = levels.at("quoc-hoi").constituencies.at("1");
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
  CHECK(report.wards.at("xa-b").section<VoteTally>().Levels().at("quoc-hoi").constituencies.at("1").votes.at(
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
  const ConstituencyVotes& c1 = ward.section<VoteTally>().Levels().at("quoc-hoi").constituencies.at("1");
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
  RecordState r = Rec(kTurnoutForm, "phuong-a");
  Text(r, "station_code", "01");
  (*r.mutable_fields())["report_time"].mutable_value()->set_time("15:00");
  Int(r, "registered_voters", 100);
  Int(r, "votes_cast", 70);
  report.AddRecord(r);
  RecordState early = Rec(kTurnoutForm, "phuong-a");
  Text(early, "station_code", "01");
  (*early.mutable_fields())["report_time"].mutable_value()->set_time("09:00");
  Int(early, "registered_voters", 100);
  Int(early, "votes_cast", 30);
  report.AddRecord(early);
  const auto cps = report.Total().section<TurnoutTally>().Checkpoints();
  REQUIRE(cps.size() == 2);
  CHECK(cps.begin()->first == "09:00");
  CHECK(cps.at("15:00").votes_cast == 70);
}

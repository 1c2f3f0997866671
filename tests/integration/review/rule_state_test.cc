// Every stored record state is checked against its form's rules (issue 10,
// item 6): a state that breaks a rule exists only with an open RULE
// conflict naming it, never as a plain accepted record, whatever a hostile
// officer or reviewer device signs: an UPDATE naming no record version, a
// reviewer's resolution with a value breaking a rule, or one naming a form
// version the server does not have (which would leave the record with no
// rules to check at all).
#include "common/forms/validator.h"
#include "tests/integration/review/review_fixture.h"

using namespace review_test;

namespace {

// The invariant itself, on the server's copy of `hex`: its form version is
// published, and every rule it breaks has an open RULE conflict.
void RequireRulesReviewed(TestServer& srv, const std::string& hex) {
  const records::RecordState r = srv.Record(hex);
  auto forms = srv.Forms();
  const forms::FormDef* form = forms->registry.Find(r.form_id(), r.form_version());
  INFO("record " << hex << " form " << r.form_id() << " version " << r.form_version());
  REQUIRE(form != nullptr);
  for (const auto& b : forms_util::BrokenRules(*form, r.fields())) {
    bool open = false;
    for (const auto& c : r.conflicts()) open = open || (c.open() && c.kind() == records::RULE && c.problem() == b.rule);
    INFO("broken: " << b.message);
    CHECK(open);
  }
}

changes::Change Resolution(const records::RecordState& r, const std::string& conflict, int64_t attended) {
  changes::Change c;
  c.set_op(changes::Change::RESOLVE);
  c.set_record_id(r.record_id());
  c.set_form_id(r.form_id());
  c.set_form_version(r.form_version());
  c.set_ward(r.ward());
  c.set_conflict_id(conflict);
  c.set_reason("the sign-in sheet");
  auto* s = c.add_sets();
  s->set_field("attended");
  s->mutable_value()->set_integer(attended);
  *s->mutable_base() = r.fields().at("attended").stamp().change();
  return c;
}

}  // namespace

TEST_CASE("rules: an officer UPDATE naming no record version that breaks a rule ends as an open rule conflict",
          "[integration][review][rule][hostile]") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  const std::string id = a1.New("voter-meeting", Meeting(100, 80));
  a1.Sync();
  const records::RecordState seen = a1.Local(id);
  changes::Change c;
  c.set_op(changes::Change::UPDATE);
  c.set_record_id(seen.record_id());
  c.set_form_id("voter-meeting");
  c.set_form_version(1);
  c.set_ward(kWardA);
  // No Change.base: the editor claims to have seen no record version.
  auto* s = c.add_sets();
  s->set_field("attended");
  s->mutable_value()->set_integer(90000);
  *s->mutable_base() = seen.fields().at("attended").stamp().change();
  Smuggle(a1, c);
  a1.Sync();

  const records::RecordState r = srv.Record(id);
  CHECK(r.fields().at("attended").value().integer() == 90000);  // kept for review, not lost
  REQUIRE(OpenOfKind(r, records::RULE) != nullptr);
  CHECK(OpenOfKind(r, records::RULE)->problem().find("attended <= invited") != std::string::npos);
  RequireRulesReviewed(srv, id);
  auto report = Json(srv.Ok({"report", "--json"}).out);
  CHECK(At(At(At(report, "total"), "voter_meetings"), "attended").number_value() == 0);
  CHECK(At(At(At(report, "total"), "voter_meetings"), "under_review").number_value() == 1);
  srv.Ok({"verify"});
}

TEST_CASE("rules: a reviewer device's resolution is checked against the rules of the record's form",
          "[integration][review][rule][hostile]") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  TestDevice a2(srv, "a2", kWardA, "officer", "Lê Thị Hoa");
  TestDevice rv(srv, "rv", kWardB, "reviewer", "Phạm Minh Châu");
  const std::string id = a1.New("voter-meeting", Meeting(100, 80));
  a1.Sync();
  a2.Sync();
  a1.Edit(id, {"attended=90"});
  a2.Edit(id, {"attended=85"});
  a1.Sync();
  a2.Sync();
  rv.Sync();
  const records::RecordState before = rv.Local(id);
  const records::Conflict* vc = OpenConflict(before, "attended");
  REQUIRE(vc != nullptr);
  const std::string cid = vc->id();
  changes::Change resolve = Resolution(before, cid, 90000);

  SECTION("a value breaking a rule: the resolution is applied and a rule conflict opens") {
    Smuggle(rv, resolve);
    rv.Sync();
    const records::RecordState r = srv.Record(id);
    CHECK(r.fields().at("attended").value().integer() == 90000);
    CHECK(OpenConflict(r, "attended") == nullptr);
    REQUIRE(OpenOfKind(r, records::RULE) != nullptr);
  }
  SECTION("a form version the server does not have: the resolution is rejected, not applied without rules") {
    resolve.set_form_version(99);
    Smuggle(rv, resolve);
    rv.Sync();
    const records::RecordState r = srv.Record(id);
    CHECK(r.form_version() == 2);  // the version it was made with, unchanged
    CHECK(r.fields().at("attended").value().integer() != 90000);
    const records::Conflict* rc = OpenOfKind(r, records::REJECTED);
    REQUIRE(rc != nullptr);
    CHECK(rc->problem().find("version 99") != std::string::npos);
    CHECK(OpenConflict(r, "attended") != nullptr);  // still for a person to decide
  }
  RequireRulesReviewed(srv, id);
  auto report = Json(srv.Ok({"report", "--json"}).out);
  CHECK(At(At(At(report, "total"), "voter_meetings"), "attended").number_value() == 0);
  CHECK(At(At(At(report, "total"), "voter_meetings"), "under_review").number_value() == 1);
  srv.Ok({"verify"});
}

// The review kinds beyond competing values, on a real server (TLS, LevelDB)
// and real devices driven through their command lines:
// - REJECTED: a change-set an honest device made past its own validation
//   (here: written straight into its outbox) is acknowledged, the device's
//   later change-sets flow, the rejected change shows in conflicts/history
//   and on the device after a pull, and an ordinary new edit closes it;
// - RULE: two officers' offline edits (agree=55 / attended=52) that each
//   hold the rule but break it together open a rule conflict, marked in
//   records, report and export, closed by a reviewer's resolution;
// - `correct`: a server-side correction, signed, reasoned and in history.
#include "tests/integration/review/review_fixture.h"

using namespace review_test;

namespace {

const google::protobuf::Value* FindById(const google::protobuf::Value& list, const std::string& id) {
  for (int i = 0; i < Size(list); ++i) {
    if (At(At(list, i), "id").string_value() == id) return &At(list, i);
  }
  return nullptr;
}

}  // namespace

TEST_CASE("review: a rejected change is acknowledged, later change-sets flow, and a new edit fixes it",
          "[integration][review][rejected]") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  TestDevice rv(srv, "rv", kWardB, "reviewer", "Phạm Minh Châu");
  const std::string kept = a1.New("voter-meeting", Meeting(100, 80));
  a1.Sync();

  // seq 2: a new record breaking "attended <= invited" (the editor saw it);
  // seq 3: an edit of `kept` against a form version the server does not have.
  changes::Change bad_create = test::VoterMeetingCreate(kWardA, 100, 101);
  const std::string bad = changes_util::RecordIdText(bad_create.record_id());
  Smuggle(a1, bad_create);
  changes::Change bad_edit;
  {
    std::string raw;
    REQUIRE(changes_util::ParseRecordId(kept, &raw));
    bad_edit.set_record_id(raw);
    bad_edit.set_form_id("voter-meeting");
    bad_edit.set_form_version(7);
    bad_edit.set_ward(kWardA);
    bad_edit.set_op(changes::Change::UPDATE);
    auto* s = bad_edit.add_sets();
    s->set_field("attended");
    s->mutable_value()->set_integer(81);
  }
  Smuggle(a1, bad_edit);
  // seq 4: an ordinary record made after them.
  const std::string later = a1.New("voter-meeting", Meeting(50, 40));
  a1.Sync();  // REQUIREs success: nothing refused, nothing left pending

  // Everything is acknowledged and the chain moved on.
  CHECK(a1.store().State()->acked_seq() == 4);
  CHECK(srv.Record(later).fields().at("attended").value().integer() == 40);
  CHECK(srv.Record(kept).fields().at("attended").value().integer() == 80);  // not applied
  const records::RecordState placeholder = srv.Record(bad);
  CHECK(placeholder.placeholder());
  const records::Conflict* rc = OpenOfKind(placeholder, records::REJECTED);
  REQUIRE(rc != nullptr);
  const std::string bad_cid = rc->id();
  CHECK(rc->problem().find("attended") != std::string::npos);
  const records::RecordState kept_now = srv.Record(kept);
  const records::Conflict* kc = OpenOfKind(kept_now, records::REJECTED);
  REQUIRE(kc != nullptr);
  const std::string kept_cid = kc->id();
  CHECK(kc->problem().find("unknown form voter-meeting version 7") != std::string::npos);

  // The review queue lists both, with kind, reason and the change as sent.
  auto queue = Json(srv.Ok({"conflicts", "--json"}).out);
  REQUIRE(Size(queue) == 2);
  const auto* q = FindById(queue, bad_cid);
  REQUIRE(q != nullptr);
  CHECK(At(*q, "kind").string_value() == "rejected");
  CHECK(At(*q, "placeholder").bool_value());
  CHECK(At(*q, "problem").string_value().find("attended") != std::string::npos);
  CHECK(At(At(*q, "rejected_change"), "op").string_value() == "CREATE");
  CHECK(At(At(*q, "rejected_change"), "seq").number_value() == 2);
  const std::string text = srv.Ok({"conflicts"}).out;
  CHECK(text.find("kind   rejected") != std::string::npos);
  CHECK(text.find("unknown form voter-meeting version 7") != std::string::npos);
  // History tells it, marked as not applied.
  const std::string h = srv.Ok({"history", kept}).out;
  CHECK(h.find("REJECTED, not applied: ") != std::string::npos);
  CHECK(h.find("opened conflict " + kept_cid + " (rejected)") != std::string::npos);
  auto hj = Json(srv.Ok({"history", kept, "--json"}).out);
  CHECK(At(At(At(hj, "changes"), 1), "rejected").string_value().find("unknown form") != std::string::npos);
  // Marked in the listing.
  CHECK(srv.Ok({"records"}).out.find("REJECTED: ") != std::string::npos);

  // The officer's device pulled both rejections with their reasons.
  a1.Sync();
  auto mine = Json(a1.Ok({"conflicts", "--json"}).out);
  REQUIRE(Size(mine) == 2);
  REQUIRE(FindById(mine, bad_cid) != nullptr);
  CHECK(At(*FindById(mine, bad_cid), "kind").string_value() == "rejected");
  CHECK(a1.Local(bad).placeholder());

  // An ordinary new edit fixes each: the placeholder is created by it, the
  // existing record takes it; both rejections close.
  a1.Edit(bad, Meeting(100, 99));
  a1.Edit(kept, {"attended=81"});
  a1.Sync();
  const records::RecordState fixed = srv.Record(bad);
  CHECK_FALSE(fixed.placeholder());
  CHECK(fixed.fields().at("attended").value().integer() == 99);
  CHECK(OpenOfKind(fixed, records::REJECTED) == nullptr);
  CHECK(fixed.conflicts(0).reason().find("superseded by") != std::string::npos);
  CHECK(OpenOfKind(srv.Record(kept), records::REJECTED) == nullptr);
  CHECK(srv.Record(kept).fields().at("attended").value().integer() == 81);
  CHECK(Size(Json(srv.Ok({"conflicts", "--json"}).out)) == 0);
  a1.Sync();
  CHECK(Size(Json(a1.Ok({"conflicts", "--json"}).out)) == 0);
  CHECK_FALSE(a1.Local(bad).placeholder());

  // A reviewer can dismiss one instead.
  changes::Change again = test::VoterMeetingCreate(kWardA, 10, 11);
  const std::string again_id = changes_util::RecordIdText(again.record_id());
  Smuggle(a1, again);
  a1.Sync();
  const std::string again_cid = OpenOfKind(srv.Record(again_id), records::REJECTED)->id();
  rv.Sync();
  auto r = rv.Cli({"resolve", again_cid, "--pick", "1", "--reason", "x"});
  CHECK(r.code != 0);
  CHECK(r.err.find("--dismiss") != std::string::npos);
  r = rv.Cli({"resolve", again_cid, "--set", "attended=5", "--reason", "x"});
  CHECK(r.code != 0);
  CHECK(r.err.find("never created") != std::string::npos);
  rv.Ok({"resolve", again_cid, "--dismiss", "--reason", "duplicate of a paper form"});
  rv.Sync();
  const records::RecordState dismissed = srv.Record(again_id);
  CHECK(OpenOfKind(dismissed, records::REJECTED) == nullptr);
  CHECK(dismissed.conflicts(0).reason() == "duplicate of a paper form");
  CHECK(srv.Ok({"history", again_id}).out.find("duplicate of a paper form") != std::string::npos);

  srv.Ok({"verify"});
}

TEST_CASE("review: a merge that breaks a form rule opens a rule conflict, marked everywhere until resolved",
          "[integration][review][rule]") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  TestDevice a2(srv, "a2", kWardA, "officer", "Lê Thị Hoa");
  TestDevice rv(srv, "rv", kWardB, "reviewer", "Phạm Minh Châu");
  auto sets = Meeting(100, 60);
  sets.push_back("agree=50");
  const std::string id = a1.New("voter-meeting", sets);
  a1.Sync();
  a2.Sync();
  // Offline, each edit holds the rule "agree + disagree <= attended" alone.
  a1.Edit(id, {"agree=55"});
  a2.Edit(id, {"attended=52"});
  a1.Sync();
  a2.Sync();

  const records::RecordState merged = srv.Record(id);
  CHECK(merged.fields().at("agree").value().integer() == 55);
  CHECK(merged.fields().at("attended").value().integer() == 52);
  const records::Conflict* rc = OpenOfKind(merged, records::RULE);
  REQUIRE(rc != nullptr);
  const std::string cid = rc->id();
  CHECK(cid == id + ":rule");
  CHECK(rc->problem().find("agree + disagree <= attended") != std::string::npos);
  CHECK(std::vector<std::string>(rc->fields().begin(), rc->fields().end()) ==
        std::vector<std::string>{"agree", "disagree", "attended"});

  auto queue = Json(srv.Ok({"conflicts", "--json"}).out);
  REQUIRE(Size(queue) == 1);
  CHECK(At(At(queue, 0), "kind").string_value() == "rule");
  CHECK(At(At(At(queue, 0), "values"), "agree").number_value() == 55);
  CHECK(srv.Ok({"conflicts"}).out.find("rule   agree + disagree <= attended") != std::string::npos);
  CHECK(srv.Ok({"records"}).out.find("RULE BROKEN: agree + disagree <= attended") != std::string::npos);
  // The report names it and leaves it out of the figures: no 105.8%.
  const std::string report = srv.Ok({"report"}).out;
  CHECK(report.find("105.8%") == std::string::npos);
  CHECK(report.find("under review") != std::string::npos);
  CHECK(report.find(id) != std::string::npos);
  CHECK(report.find("agree=55, disagree=(empty), attended=52") != std::string::npos);
  auto rj = Json(srv.Ok({"report", "--json"}).out);
  CHECK(At(At(At(rj, "total"), "voter_meetings"), "under_review").number_value() == 1);
  CHECK(At(At(At(rj, "total"), "voter_meetings"), "meetings").number_value() == 0);
  CHECK(At(At(rj, "total"), "rule_conflicts").number_value() == 1);
  const std::string csv = srv.Ok({"export", "--form", "voter-meeting"}).out;
  CHECK(csv.find("conflict,review,") != std::string::npos);
  CHECK(csv.find("RULE BROKEN: agree + disagree <= attended") != std::string::npos);

  // Devices see it after a pull.
  a1.Sync();
  CHECK(a1.Ok({"show", id}).out.find("BREAKS RULE") != std::string::npos);

  // Refused resolutions change nothing.
  auto r = srv.Cli({"resolve", cid, "--pick", "1", "--reason", "x"});
  CHECK(r.code != 0);
  r = srv.Cli({"resolve", cid, "--set", "agree=53", "--reason", "x"});
  CHECK(r.code != 0);
  CHECK(r.err.find("still break the rule") != std::string::npos);
  r = srv.Cli({"resolve", cid, "--set", "invited=90", "--reason", "x"});
  CHECK(r.code != 0);
  rv.Sync();
  r = rv.Cli({"resolve", cid, "--set", "agree=60", "--reason", "x"});
  CHECK(r.code != 0);
  CHECK(r.err.find("still break the rule") != std::string::npos);
  CHECK(OpenOfKind(srv.Record(id), records::RULE) != nullptr);

  // The reviewer's resolution closes it.
  rv.Ok({"resolve", cid, "--set", "agree=50", "--reason", "52 attended per the sign-in sheet; 50 agreed"});
  rv.Sync();
  const records::RecordState resolved = srv.Record(id);
  CHECK(OpenOfKind(resolved, records::RULE) == nullptr);
  CHECK(resolved.fields().at("agree").value().integer() == 50);
  CHECK(Size(Json(srv.Ok({"conflicts", "--json"}).out)) == 0);
  CHECK(srv.Ok({"report"}).out.find("under review") == std::string::npos);
  CHECK(srv.Ok({"report"}).out.find("agree 50 of 52") != std::string::npos);
  const std::string h = srv.Ok({"history", id}).out;
  CHECK(h.find("opened conflict " + cid + " (rule: agree + disagree <= attended") != std::string::npos);
  CHECK(h.find("resolved conflict " + cid + " (rule: agree + disagree <= attended") != std::string::npos);
  CHECK(h.find("): 52 attended per the sign-in sheet; 50 agreed") != std::string::npos);
  srv.Ok({"verify"});
}

TEST_CASE("review: correct changes a value on the server, signed and reasoned, shown in history",
          "[integration][review][correct]") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  const std::string id = a1.New("voter-meeting", Meeting(100, 80));
  a1.Sync();
  const records::RecordState before = srv.Record(id);

  // Refusals change nothing.
  auto r = srv.Cli({"correct", id, "--set", "atended=70", "--reason", "x"});
  CHECK(r.code == 1);
  CHECK(r.err.find("unknown field \"atended\"") != std::string::npos);
  r = srv.Cli({"correct", id, "--set", "attended=abc", "--reason", "x"});
  CHECK(r.code == 1);
  r = srv.Cli({"correct", id, "--set", "attended=101", "--reason", "x"});
  CHECK(r.code == 1);
  CHECK(r.err.find("attended <= invited") != std::string::npos);
  r = srv.Cli({"correct", id, "--set", "attended=70"});
  CHECK(r.code == 2);
  r = srv.Cli({"correct", "00112233445566778899aabbccddeeff", "--set", "attended=70", "--reason", "x"});
  CHECK(r.code == 1);
  CHECK(Same(srv.Record(id), before));

  // While `run` serves (the command goes over the control socket).
  REQUIRE(srv.running());
  const std::string said =
      srv.Ok({"correct", id, "--set", "attended=70", "--reason", "typo: the paper form says 70", "--officer", "Ban"})
          .out;
  CHECK(said.find("attended 80 -> 70") != std::string::npos);
  const records::RecordState after = srv.Record(id);
  CHECK(after.fields().at("attended").value().integer() == 70);
  CHECK(after.last_change().change().device_id() == "server");
  const std::string h = srv.Ok({"history", id}).out;
  CHECK(h.find("UPDATE  by server:") != std::string::npos);
  CHECK(h.find("attended: 80 -> 70") != std::string::npos);
  CHECK(h.find("reason: typo: the paper form says 70") != std::string::npos);
  // The device gets it by its normal pull.
  a1.Sync();
  CHECK(a1.Local(id).fields().at("attended").value().integer() == 70);
  srv.Ok({"verify"});
}

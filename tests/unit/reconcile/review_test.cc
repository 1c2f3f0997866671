// REJECTED and RULE conflicts (common/reconcile/review.h, merge.h): pure
// logic, the same on the server, in its replay and on the client.
#include <catch2/catch.hpp>

#include "common/reconcile/review.h"
#include "tests/unit/reconcile/fixtures.h"

using namespace rtest;
using wardsync::reconcile::Apply;
using wardsync::reconcile::Reject;
using wardsync::reconcile::RuleBreak;
using wardsync::reconcile::RuleCheck;

namespace {

const records::Conflict* Find(const RecordState& r, const std::string& id) {
  for (const auto& c : r.conflicts()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

// "votes <= turnout", as a form's rule would say.
RuleCheck VotesRule() {
  return [](const RecordState& r) {
    std::vector<RuleBreak> out;
    auto v = r.fields().find("votes"), t = r.fields().find("turnout");
    if (v != r.fields().end() && t != r.fields().end() && v->second.has_value() && t->second.has_value() &&
        v->second.value().integer() > t->second.value().integer()) {
      out.push_back({"votes <= turnout", {"votes", "turnout"}});
    }
    return out;
  };
}

}  // namespace

TEST_CASE("a rejected change of a missing record makes a placeholder; an ordinary edit creates it", "[reconcile]") {
  RecordState r;
  const Change bad = Update({{"votes", Int(5)}});
  auto out = Reject(r, bad, S("d", 3, 300), 0, 7, "record does not exist");
  const std::string cid = kRidHex + ":rejected:d:3:0";
  REQUIRE(out.opened == std::vector<std::string>{cid});
  CHECK(r.placeholder());
  CHECK(r.record_id() == kRid);
  CHECK(r.ward() == kWard);
  CHECK(r.form_id() == kForm);
  CHECK(r.log_seq() == 7);
  CHECK(r.fields().empty());
  const auto* c = Find(r, cid);
  REQUIRE(c != nullptr);
  CHECK(c->kind() == records::REJECTED);
  CHECK(c->open());
  CHECK(c->problem() == "record does not exist");
  CHECK(std::vector<std::string>(c->fields().begin(), c->fields().end()) == std::vector<std::string>{"votes"});
  CHECK(Bytes(c->rejected_change()) == Bytes(bad));
  REQUIRE(c->candidates_size() == 1);
  CHECK(c->candidates(0).stamp().change().seq() == 3);
  CHECK_FALSE(c->candidates(0).has_value());

  // A placeholder does not exist for DELETE...
  CHECK_FALSE(Apply(r, Delete(Id("d", 3)), S("d", 4, 400), 8, kNoLookup).ok());
  // ...but a RESOLVE of its rejection may dismiss it (and only dismiss).
  {
    RecordState copy = r;
    CHECK_FALSE(Apply(copy, Resolve(cid, {{"votes", Int(1)}}), S("rv", 1, 500), 9, kNoLookup).ok());
    auto dismissed = Apply(copy, Resolve(cid, {}, "duplicate"), S("rv", 1, 500), 9, kNoLookup);
    REQUIRE(dismissed.ok());
    CHECK(dismissed->closed == std::vector<std::string>{cid});
    CHECK_FALSE(Find(copy, cid)->open());
    CHECK(Find(copy, cid)->reason() == "duplicate");
    CHECK(copy.placeholder());
  }
  SECTION("an UPDATE acts as the CREATE") {
    auto fixed = Ok(r, Update({{"votes", Int(5)}, {"turnout", Int(9)}}), S("d", 4, 400), 8);
    CHECK(fixed.saw_record);
    CHECK(fixed.closed == std::vector<std::string>{cid});
    CHECK_FALSE(r.placeholder());
    CHECK(r.created().change().seq() == 4);
    CHECK(IntOf(r, "votes") == 5);
  }
  SECTION("a CREATE") {
    auto fixed = Ok(r, Create({{"votes", Int(5)}}), S("d", 4, 400), 8);
    CHECK(fixed.closed == std::vector<std::string>{cid});
    CHECK_FALSE(r.placeholder());
  }
  const auto* closed = Find(r, cid);
  REQUIRE(closed != nullptr);  // kept as history
  CHECK_FALSE(closed->open());
  CHECK(closed->reason() == "superseded by d/4");
  CHECK(closed->resolved_by().change().seq() == 4);
}

TEST_CASE("a rejected change of an existing record leaves its values; a reviewer may set values", "[reconcile]") {
  RecordState r = Base();
  const RecordState before = r;
  Reject(r, Update({{"votes", Int(-1)}}), S("d", 2, 200), 0, 2, "votes below minimum");
  CHECK(Bytes(r.fields().at("votes")) == Bytes(before.fields().at("votes")));
  CHECK(Bytes(r.last_change()) == Bytes(before.last_change()));
  CHECK_FALSE(r.placeholder());
  const std::string cid = kRidHex + ":rejected:d:2:0";
  // The same change id again (e.g. a replay of the log) gets a fresh id.
  Reject(r, Update({{"votes", Int(-1)}}), S("d", 2, 200), 0, 3, "again");
  CHECK(Find(r, cid + "#2") != nullptr);
  auto out = Ok(r, Resolve(cid, {{"votes", Int(7)}}), S("rv", 1, 300), 4);
  CHECK(out.closed == std::vector<std::string>{cid});
  CHECK(IntOf(r, "votes") == 7);
  CHECK(Find(r, cid + "#2")->open());  // only the one named
  // A DELETE does not close a rejection; an UPDATE closes every open one.
  auto upd = Ok(r, Update({{"turnout", Int(60), Id("c", 1)}}), S("c", 2, 400), 5);
  CHECK(upd.closed == std::vector<std::string>{cid + "#2"});
}

TEST_CASE("a merge that breaks a rule opens a RULE conflict; a resolution that makes it hold closes it",
          "[reconcile]") {
  const RuleCheck rules = VotesRule();
  RecordState r = Base();  // votes 10, turnout 50
  // Two edits that did not see each other: votes 45 (saw turnout 50), turnout 40 (saw votes 10).
  Ok(r, Update({{"votes", Int(45), Id("c", 1)}}), S("a", 1, 200), 2);
  Change t = Update({{"turnout", Int(40), Id("c", 1)}});
  *t.mutable_base() = Id("c", 1);  // the record version it saw: not the current one
  auto merged = Apply(r, t, S("b", 1, 210), 3, kNoLookup, rules);
  REQUIRE(merged.ok());
  CHECK_FALSE(merged->saw_record);
  const std::string cid = kRidHex + ":rule";
  REQUIRE(merged->opened == std::vector<std::string>{cid});
  const auto* c = Find(r, cid);
  CHECK(c->kind() == records::RULE);
  CHECK(c->problem() == "votes <= turnout");
  CHECK(c->fields_size() == 2);
  CHECK(IntOf(r, "votes") == 45);
  CHECK(IntOf(r, "turnout") == 40);
  // An unrelated change keeps it open and does not open another.
  auto again = Apply(r, Update({{"notes", Int(1)}}), S("a", 2, 220), 4, kNoLookup, rules);
  REQUIRE(again.ok());
  CHECK(again->opened.empty());
  // Only the rule's fields; a still-breaking resolution is applied but keeps it open.
  CHECK_FALSE(Apply(r, Resolve(cid, {{"notes", Int(2)}}), S("rv", 1, 300), 5, kNoLookup, rules).ok());
  CHECK_FALSE(Apply(r, Resolve(cid, {}), S("rv", 1, 300), 5, kNoLookup, rules).ok());
  auto still = Apply(r, Resolve(cid, {{"votes", Int(41)}}), S("rv", 1, 300), 5, kNoLookup, rules);
  REQUIRE(still.ok());
  CHECK(still->closed.empty());
  CHECK(Find(r, cid)->open());
  auto done = Apply(r, Resolve(cid, {{"votes", Int(40)}}, "per the minutes"), S("rv", 2, 310), 6, kNoLookup, rules);
  REQUIRE(done.ok());
  CHECK(done->closed == std::vector<std::string>{cid});
  CHECK(Find(r, cid)->reason() == "per the minutes");
  CHECK(IntOf(r, "votes") == 40);
  // Broken again later: a new conflict, "#2".
  Change v = Update({{"votes", Int(48), r.fields().at("votes").stamp().change()}});
  auto reopened = Apply(r, v, S("a", 3, 400), 7, kNoLookup, rules);
  REQUIRE(reopened.ok());
  CHECK(reopened->opened == std::vector<std::string>{cid + "#2"});
  // An edit that saw the whole record and makes the rule hold closes it.
  Change fix = Update({{"turnout", Int(60), r.fields().at("turnout").stamp().change()}});
  *fix.mutable_base() = r.last_change().change();
  auto fixed = Apply(r, fix, S("b", 2, 500), 8, kNoLookup, rules);
  REQUIRE(fixed.ok());
  CHECK(fixed->saw_record);
  CHECK(fixed->closed == std::vector<std::string>{cid + "#2"});
}

TEST_CASE("without a rule check (the client's view) a rule resolution closes as decided", "[reconcile]") {
  RecordState r = Base();
  auto* c = r.add_conflicts();
  c->set_id(kRidHex + ":rule");
  c->set_kind(records::RULE);
  c->set_open(true);
  c->set_problem("votes <= turnout");
  c->add_fields("votes");
  auto out = Ok(r, Resolve(kRidHex + ":rule", {{"votes", Int(1)}}), S("rv", 1, 300), 2);
  CHECK(out.closed == std::vector<std::string>{kRidHex + ":rule"});
  // RULE and REJECTED conflicts are not field conflicts: a field edit opens none.
  CHECK(wardsync::reconcile::FindOpenConflict(r, "") == nullptr);
}

// common/resolution: the RESOLVE change both the reviewer's device and the
// server build for one decision, and the deleted marker it may carry.
#include <catch2/catch.hpp>

#include "common/changes/deleted_marker.h"
#include "common/forms/validator.h"
#include "common/reconcile/merge.h"
#include "common/resolution/resolution.h"
#include "tests/unit/forms/forms_fixtures.h"

using namespace wardsync;
using wardsync::changes::Change;
using wardsync::changes::Value;
using wardsync::records::Conflict;
using wardsync::records::RecordState;

namespace {

Value Int(int64_t v) {
  Value x;
  x.set_integer(v);
  return x;
}

void SetField(RecordState& r, const std::string& name, int64_t v, const std::string& device, uint64_t seq) {
  auto& fs = (*r.mutable_fields())[name];
  *fs.mutable_value() = Int(v);
  fs.mutable_stamp()->mutable_change()->set_device_id(device);
  fs.mutable_stamp()->mutable_change()->set_seq(seq);
}

// A voter meeting (attended <= invited, agree + disagree <= attended) with an
// open conflict on `attended`: candidates 40 (dev-a) and 60 (dev-b).
RecordState Meeting(int64_t agree) {
  RecordState r;
  r.set_record_id(std::string(16, '\x07'));
  r.set_form_id("voter-meeting");
  r.set_form_version(1);
  r.set_ward("ward-07");
  auto& cand = (*r.mutable_fields())["candidate"];
  cand.mutable_value()->set_text("Nguyễn Văn A");
  (*r.mutable_fields())["meeting_date"].mutable_value()->set_date("2026-02-10");
  SetField(r, "invited", 100, "dev-a", 1);
  SetField(r, "attended", 60, "dev-b", 1);
  SetField(r, "agree", agree, "dev-a", 1);
  SetField(r, "disagree", 0, "dev-a", 1);
  Conflict* c = r.add_conflicts();
  c->set_id("0707:attended");
  c->set_field("attended");
  c->set_open(true);
  *c->add_candidates()->mutable_value() = Int(40);
  *c->add_candidates()->mutable_value() = Int(60);
  return r;
}

Conflict WholeRecord() {
  Conflict c;
  c.set_id("0707:");
  c.set_open(true);
  c.add_candidates()->set_deleted(true);
  c.add_candidates()->set_deleted(false);
  return c;
}

}  // namespace

TEST_CASE("a resolution by candidate number sets that candidate's value on the field's current version",
          "[resolution]") {
  const auto form = forms_test::VoterMeeting();
  const RecordState r = Meeting(30);
  auto built = resolution::Build(form, r, r.conflicts(0), {1, std::nullopt}, "the minutes say 40");
  REQUIRE(built.ok());
  const Change& c = built->change;
  CHECK(c.op() == Change::RESOLVE);
  CHECK(c.record_id() == r.record_id());
  CHECK(c.form_id() == "voter-meeting");
  CHECK(c.form_version() == 1);
  CHECK(c.ward() == "ward-07");
  CHECK(c.conflict_id() == "0707:attended");
  CHECK(c.reason() == "the minutes say 40");
  REQUIRE(c.sets_size() == 1);
  CHECK(c.sets(0).field() == "attended");
  CHECK(c.sets(0).value().integer() == 40);
  CHECK(c.sets(0).base().device_id() == "dev-b");  // the version the reviewer saw
  CHECK(c.sets(0).base().seq() == 1);
  CHECK(built->keep_rules);  // the record holds its rules: the resolution must too
}

TEST_CASE("a resolution by typed value parses it by the field's type; empty clears", "[resolution]") {
  const auto form = forms_test::VoterMeeting();
  const RecordState r = Meeting(30);
  auto typed = resolution::Build(form, r, r.conflicts(0), {std::nullopt, "55"}, "recount");
  REQUIRE(typed.ok());
  CHECK(typed->change.sets(0).value().integer() == 55);
  // "agree" is optional: it may be cleared ("attended" is required: it may not).
  Conflict on_agree = r.conflicts(0);
  on_agree.set_field("agree");
  auto cleared = resolution::Build(form, r, on_agree, {std::nullopt, ""}, "unknown");
  REQUIRE(cleared.ok());
  CHECK(cleared->change.sets(0).field() == "agree");
  CHECK_FALSE(cleared->change.sets(0).has_value());
  CHECK_FALSE(resolution::Build(form, r, r.conflicts(0), {std::nullopt, ""}, "unknown").ok());
}

TEST_CASE("a record already breaking a rule elsewhere stays resolvable", "[resolution]") {
  const auto form = forms_test::VoterMeeting();
  const RecordState broken = Meeting(70);  // agree 70 > attended 60
  REQUIRE_FALSE(forms_util::ValidateRecordFields(form, broken.fields()).ok());
  auto built = resolution::Build(form, broken, broken.conflicts(0), {2, std::nullopt}, "r");
  REQUIRE(built.ok());
  CHECK_FALSE(built->keep_rules);
}

TEST_CASE("a whole-record conflict is resolved with the deleted marker", "[resolution]") {
  const auto form = forms_test::VoterMeeting();
  const RecordState r = Meeting(30);
  const Conflict c = WholeRecord();
  struct Case {
    resolution::Choice choice;
    bool deleted;
  };
  for (const Case& k : {Case{{1, std::nullopt}, true}, Case{{2, std::nullopt}, false},
                        Case{{std::nullopt, "delete"}, true}, Case{{std::nullopt, "keep"}, false}}) {
    auto built = resolution::Build(form, r, c, k.choice, "r");
    REQUIRE(built.ok());
    REQUIRE(built->change.sets_size() == 1);
    CHECK(built->change.sets(0).field() == changes_util::kDeletedMarkerField);
    CHECK(built->change.sets(0).value().boolean() == k.deleted);
    CHECK(changes_util::CarriesDeletedMarker(built->change));
    CHECK_FALSE(built->keep_rules);
    // reconcile knows the marker by the same name.
    CHECK(reconcile::kDeletedMarkerField == changes_util::kDeletedMarkerField);
  }
  auto bad = resolution::Build(form, r, c, {std::nullopt, "maybe"}, "r");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("keep or delete") != std::string::npos);
}

TEST_CASE("a bad choice is refused with its reason", "[resolution]") {
  const auto form = forms_test::VoterMeeting();
  const RecordState r = Meeting(30);
  const Conflict& c = r.conflicts(0);
  auto refused = [&](resolution::Choice choice) {
    auto b = resolution::Build(form, r, c, choice, "r");
    REQUIRE_FALSE(b.ok());
    return b.status().message();
  };
  CHECK(refused({std::nullopt, std::nullopt}).find("either") != std::string::npos);
  CHECK(refused({1, "40"}).find("either") != std::string::npos);
  CHECK(refused({0, std::nullopt}).find("pick 1..2") != std::string::npos);
  CHECK(refused({3, std::nullopt}).find("pick 1..2") != std::string::npos);
  CHECK_FALSE(refused({std::nullopt, "forty"}).empty());   // not an integer
  CHECK_FALSE(refused({std::nullopt, "-1"}).empty());      // below the field's minimum
  Conflict unknown = c;
  unknown.set_field("no_such_field");
  auto b = resolution::Build(form, r, unknown, {1, std::nullopt}, "r");
  REQUIRE_FALSE(b.ok());
  CHECK(b.status().message().find("not in form") != std::string::npos);
}

TEST_CASE("the deleted marker is recognised only as the single set of a RESOLVE", "[resolution]") {
  Change c;
  c.set_op(Change::RESOLVE);
  c.add_sets()->set_field(std::string(changes_util::kDeletedMarkerField));
  CHECK(changes_util::CarriesDeletedMarker(c));
  c.set_op(Change::UPDATE);
  CHECK_FALSE(changes_util::CarriesDeletedMarker(c));
  c.set_op(Change::RESOLVE);
  c.add_sets()->set_field("attended");
  CHECK_FALSE(changes_util::CarriesDeletedMarker(c));
}

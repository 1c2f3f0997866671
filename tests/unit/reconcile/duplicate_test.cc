// DUPLICATE conflicts (common/reconcile/duplicates.h): the unique key of a
// record and the conflict that names the other record holding the same key.
#include <catch2/catch.hpp>

#include "common/reconcile/duplicates.h"
#include "tests/unit/reconcile/fixtures.h"

using namespace rtest;
using wardsync::reconcile::Apply;
using wardsync::reconcile::ApplyOutcome;
using wardsync::reconcile::DuplicateConflictId;
using wardsync::reconcile::ReviewDuplicate;
using wardsync::reconcile::UniqueKey;

namespace {

const std::string kOther = std::string(15, '\x00') + "\x2a";
const std::string kOtherHex = "0000000000000000000000000000002a";

wardsync::forms::FormDef KeyedForm() {
  wardsync::forms::FormDef f;
  f.set_id(kForm);
  f.set_version(1);
  f.add_unique_key("votes");
  f.add_unique_key("turnout");
  return f;
}

const records::Conflict* Duplicate(const RecordState& r) {
  for (const auto& c : r.conflicts()) {
    if (c.kind() == records::DUPLICATE) return &c;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("the unique key holds the form, the ward and every key value; none while a key field is empty",
          "[reconcile][duplicate]") {
  const auto form = KeyedForm();
  RecordState r = Base();  // votes=10, turnout=50
  std::string text;
  auto key = UniqueKey(form, r, &text);
  REQUIRE(key.has_value());
  CHECK(text == "votes=10, turnout=50");

  RecordState same = Base();
  same.set_record_id(kOther);
  CHECK(UniqueKey(form, same) == key);  // another record, same key

  RecordState other_ward = same;
  other_ward.set_ward("ward-08");
  CHECK(UniqueKey(form, other_ward) != key);
  RecordState other_value = same;
  (*other_value.mutable_fields())["turnout"].mutable_value()->set_integer(51);
  CHECK(UniqueKey(form, other_value) != key);

  RecordState unfinished = same;
  (*unfinished.mutable_fields())["turnout"].clear_value();
  CHECK_FALSE(UniqueKey(form, unfinished).has_value());
  RecordState deleted = same;
  deleted.set_deleted(true);
  CHECK_FALSE(UniqueKey(form, deleted).has_value());
  CHECK_FALSE(UniqueKey(wardsync::forms::FormDef(), same).has_value());  // no key declared
}

TEST_CASE("a duplicate opens one conflict naming the other record; a changed key closes it",
          "[reconcile][duplicate]") {
  RecordState r = Base();
  ApplyOutcome out;
  ReviewDuplicate(r, kOther, "votes=10, turnout=50", S("d", 1, 200), 2, out);
  const std::string cid = DuplicateConflictId(kRid);
  CHECK(cid == kRidHex + ":duplicate");
  REQUIRE(out.opened == std::vector<std::string>{cid});
  const auto* c = Duplicate(r);
  REQUIRE(c != nullptr);
  CHECK(c->open());
  CHECK(c->duplicate_of() == kOther);
  CHECK(c->unique_key() == "votes=10, turnout=50");
  CHECK(c->problem().find(kOtherHex) != std::string::npos);
  CHECK(c->opened_seq() == 2);

  // The same finding again (the next edit keeps the key) opens nothing more.
  ApplyOutcome again;
  ReviewDuplicate(r, kOther, "votes=10, turnout=50", S("d", 2, 210), 3, again);
  CHECK(again.opened.empty());
  CHECK(r.conflicts_size() == 1);

  // The officer corrects the key: no longer a duplicate.
  ApplyOutcome fixed;
  ReviewDuplicate(r, std::nullopt, "", S("d", 3, 220), 4, fixed);
  CHECK(fixed.closed == std::vector<std::string>{cid});
  CHECK_FALSE(Duplicate(r)->open());
  CHECK(Duplicate(r)->reason().find("no longer matches") != std::string::npos);
}

TEST_CASE("a reviewer keeps both (dismiss) or deletes the later record; a dismissed pair is not reopened",
          "[reconcile][duplicate]") {
  RecordState r = Base();
  ApplyOutcome out;
  ReviewDuplicate(r, kOther, "votes=10, turnout=50", S("d", 1, 200), 2, out);
  const std::string cid = DuplicateConflictId(kRid);

  SECTION("dismiss: both are distinct reports") {
    CHECK_FALSE(Apply(r, Resolve(cid, {{"votes", Int(1)}}), S("rv", 1, 300), 3, kNoLookup).ok());  // no values
    CHECK_FALSE(Apply(r, Resolve(cid, {{std::string(reconcile::kDeletedMarkerField), Int(1)}}), S("rv", 1, 300), 3,
                      kNoLookup)
                    .ok());  // the marker must be a boolean
    auto done = Apply(r, Resolve(cid, {}, "two different boxes"), S("rv", 1, 300), 3, kNoLookup);
    REQUIRE(done.ok());
    CHECK(done->closed == std::vector<std::string>{cid});
    CHECK_FALSE(r.deleted());
    CHECK(Duplicate(r)->reason() == "two different boxes");
    ApplyOutcome later;
    ReviewDuplicate(r, kOther, "votes=10, turnout=50", S("d", 2, 310), 4, later);
    CHECK(later.opened.empty());
    CHECK(r.conflicts_size() == 1);
  }
  SECTION("delete this record") {
    auto done = Apply(r, Resolve(cid, {{std::string(reconcile::kDeletedMarkerField), Bool(true)}}), S("rv", 1, 300),
                      3, kNoLookup);
    REQUIRE(done.ok());
    CHECK(done->closed == std::vector<std::string>{cid});
    CHECK(r.deleted());
    // A deleted record holds no key: the closed conflict stays closed.
    ApplyOutcome after;
    ReviewDuplicate(r, std::nullopt, "", S("d", 2, 310), 4, after);
    CHECK(after.closed.empty());
  }
}

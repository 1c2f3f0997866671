#include <catch2/catch.hpp>

#include "tests/unit/reconcile/fixtures.h"

using namespace rtest;
using wardsync::reconcile::FindOpenConflict;

TEST_CASE("a delete that saw the last version deletes without conflict", "[reconcile]") {
  RecordState r = Base();
  Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 200), 2);
  auto out = Ok(r, Delete(Id("a", 1)), S("b", 1, 300), 3);
  CHECK(r.deleted());
  CHECK_FALSE(out.concurrent);
  CHECK(r.conflicts_size() == 0);
  CHECK(IntOf(r, "votes") == 11);  // tombstone: values stay
  CHECK(r.last_change().change().device_id() == "b");
  // A second, concurrent delete agrees: no conflict.
  auto again = Ok(r, Delete(Id("c", 1)), S("d", 1, 250), 4);
  CHECK(again.concurrent);
  CHECK(again.opened.empty());
  CHECK(r.deleted());
  CHECK(r.conflicts_size() == 0);
}

TEST_CASE("delete against edit is a conflict in both arrival orders", "[reconcile]") {
  const Change edit = Update({{"votes", Int(11), Id("c", 1)}});
  const Change del = Delete(Id("c", 1));
  // hlc of the edit vs the delete decides the provisional `deleted`.
  for (uint64_t edit_hlc : {200u, 400u}) {
    const Stamp se = S("a", 1, edit_hlc);
    const Stamp sd = S("b", 1, 300);
    const bool expect_deleted = edit_hlc < 300;
    for (int order = 0; order < 2; ++order) {
      CAPTURE(edit_hlc, order);
      RecordState r = Base();
      wardsync::reconcile::ApplyOutcome second;
      if (order == 0) {
        Ok(r, edit, se, 2);
        second = Ok(r, del, sd, 3);
      } else {
        auto first = Ok(r, del, sd, 2);
        CHECK(r.deleted());
        CHECK(first.opened.empty());
        second = Ok(r, edit, se, 3);
      }
      CHECK(second.concurrent);
      REQUIRE(second.opened.size() == 1);
      CHECK(second.opened[0] == kRidHex + ":");
      const auto* c = FindOpenConflict(r, "");
      REQUIRE(c != nullptr);
      CHECK(c->field().empty());
      CHECK(c->opened_seq() == 3);
      REQUIRE(c->candidates_size() == 2);
      int deletes = 0;
      for (const auto& cand : c->candidates()) deletes += cand.deleted() ? 1 : 0;
      CHECK(deletes == 1);
      CHECK(r.deleted() == expect_deleted);
      CHECK(IntOf(r, "votes") == 11);  // the edit is never lost
      CHECK(r.conflicts_size() == 1);
    }
  }
}

TEST_CASE("further edits of a deleted record join the whole-record conflict", "[reconcile]") {
  RecordState r = Base();
  Ok(r, Delete(Id("c", 1)), S("b", 1, 300), 2);
  Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 200), 3);
  REQUIRE(r.deleted());
  auto out = Ok(r, Update({{"turnout", Int(55), Id("c", 1)}}), S("d", 1, 350), 4);
  CHECK(out.opened.empty());
  REQUIRE(out.joined.size() == 1);
  CHECK(out.joined[0] == kRidHex + ":");
  CHECK_FALSE(r.deleted());  // the 350 edit beats the 300 delete
  CHECK(IntOf(r, "turnout") == 55);
  CHECK(FindOpenConflict(r, "")->candidates_size() == 3);
}

TEST_CASE("resolving a delete-vs-edit conflict decides whether the record stays", "[reconcile]") {
  auto conflicted = [] {
    RecordState r = Base();
    Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 200), 2);
    Ok(r, Delete(Id("c", 1)), S("b", 1, 300), 3);
    REQUIRE(r.deleted());
    return r;
  };
  const std::string id = kRidHex + ":";
  {
    RecordState r = conflicted();
    auto out = Ok(r, Resolve(id, {}), S("rev", 1, 500), 4);  // no sets: keep
    CHECK_FALSE(r.deleted());
    REQUIRE(out.closed.size() == 1);
    CHECK(out.closed[0] == id);
    CHECK_FALSE(r.conflicts(0).open());
  }
  {
    RecordState r = conflicted();
    Ok(r, Resolve(id, {{std::string(wardsync::reconcile::kDeletedMarkerField), Bool(false)}}), S("rev", 1, 500), 4);
    CHECK_FALSE(r.deleted());
  }
  {
    RecordState r = conflicted();
    Ok(r, Resolve(id, {{std::string(wardsync::reconcile::kDeletedMarkerField), Bool(true)}}), S("rev", 1, 500), 4);
    CHECK(r.deleted());
    CHECK(IntOf(r, "votes") == 11);
  }
  {
    RecordState r = conflicted();
    const std::string before = Bytes(r);
    auto bad = wardsync::reconcile::Apply(
        r, Resolve(id, {{std::string(wardsync::reconcile::kDeletedMarkerField), Int(1)}}), S("rev", 1, 500), 4,
        kNoLookup);
    CHECK_FALSE(bad.ok());
    CHECK(bad.status().code() == wardsync::Status::Code::kInvalidArgument);
    auto bad2 = wardsync::reconcile::Apply(r, Resolve(id, {{"votes", Int(1)}}), S("rev", 1, 500), 4, kNoLookup);
    CHECK_FALSE(bad2.ok());
    CHECK(Bytes(r) == before);
  }
}

TEST_CASE("a concurrent delete joins an open whole-record conflict", "[reconcile]") {
  RecordState r = Base();
  Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 400), 2);
  Ok(r, Delete(Id("c", 1)), S("b", 1, 300), 3);
  REQUIRE_FALSE(r.deleted());
  auto out = Ok(r, Delete(Id("c", 1)), S("d", 1, 500), 4);
  CHECK(out.concurrent);
  CHECK(out.joined.size() == 1);
  CHECK(r.deleted());
  CHECK(FindOpenConflict(r, "")->candidates_size() == 3);
}

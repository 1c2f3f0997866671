#include <catch2/catch.hpp>

#include "tests/unit/reconcile/fixtures.h"

using namespace rtest;
using wardsync::reconcile::Apply;
using wardsync::reconcile::FindOpenConflict;

namespace {
RecordState Conflicted() {
  RecordState r = Base();
  Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 200), 2);
  Ok(r, Update({{"votes", Int(12), Id("c", 1)}}), S("b", 1, 300), 3);
  return r;
}
const std::string kVotes = kRidHex + ":votes";
}  // namespace

TEST_CASE("resolve picks a value and closes the conflict", "[reconcile]") {
  RecordState r = Conflicted();
  auto out = Ok(r, Resolve(kVotes, {{"votes", Int(11), Id("b", 1)}}, "paper tally says 11"), S("rev", 1, 500), 4);
  REQUIRE(out.closed.size() == 1);
  CHECK(out.closed[0] == kVotes);
  CHECK_FALSE(out.concurrent);
  CHECK(IntOf(r, "votes") == 11);
  CHECK(r.fields().at("votes").stamp().change().device_id() == "rev");
  REQUIRE(r.conflicts_size() == 1);
  const auto& c = r.conflicts(0);
  CHECK_FALSE(c.open());
  CHECK(c.resolved_by().change().device_id() == "rev");
  CHECK(c.reason() == "paper tally says 11");
  CHECK(c.candidates_size() == 2);  // history stays
  CHECK(FindOpenConflict(r, "votes") == nullptr);
  // An edit that saw the resolution is ordinary.
  auto next = Ok(r, Update({{"votes", Int(13), Id("rev", 1)}}), S("a", 2, 600), 5);
  CHECK_FALSE(next.concurrent);
  CHECK(r.conflicts_size() == 1);
}

TEST_CASE("resolve may enter a new value", "[reconcile]") {
  RecordState r = Conflicted();
  Ok(r, Resolve(kVotes, {{"votes", Int(99)}}), S("rev", 1, 500), 4);
  CHECK(IntOf(r, "votes") == 99);
}

TEST_CASE("a new conflict on a resolved field gets a fresh id", "[reconcile]") {
  RecordState r = Conflicted();
  Ok(r, Resolve(kVotes, {{"votes", Int(11)}}), S("rev", 1, 500), 4);
  auto out = Ok(r, Update({{"votes", Int(15), Id("c", 1)}}), S("x", 1, 250), 5);  // long offline
  REQUIRE(out.opened.size() == 1);
  CHECK(out.opened[0] == kVotes + "#2");
  CHECK(IntOf(r, "votes") == 11);  // the resolution (500) beats the stale edit (250)
  Ok(r, Resolve(kVotes + "#2", {{"votes", Int(11)}}), S("rev", 2, 600), 6);
  auto third = Ok(r, Update({{"votes", Int(16), Id("c", 1)}}), S("y", 1, 260), 7);
  REQUIRE(third.opened.size() == 1);
  CHECK(third.opened[0] == kVotes + "#3");
  CHECK(r.conflicts_size() == 3);
}

TEST_CASE("a late resolution of a closed conflict is kept but changes no value", "[reconcile]") {
  RecordState r = Conflicted();
  Ok(r, Resolve(kVotes, {{"votes", Int(11)}}, "first"), S("rev", 1, 500), 4);
  // A second reviewer decided offline, later by its clock: the first decision still stands.
  auto late = Ok(r, Resolve(kVotes, {{"votes", Int(12)}}, "second"), S("rev2", 1, 900), 5);
  CHECK(late.closed.empty());
  REQUIRE(late.superseded.size() == 1);
  CHECK(late.superseded[0] == kVotes);
  CHECK(IntOf(r, "votes") == 11);
  REQUIRE(r.conflicts_size() == 1);
  const auto& c = r.conflicts(0);
  CHECK_FALSE(c.open());
  CHECK(c.resolved_by().change().device_id() == "rev");
  REQUIRE(c.late_resolutions_size() == 1);
  CHECK(c.late_resolutions(0).decision().value().integer() == 12);
  CHECK(c.late_resolutions(0).decision().stamp().change().device_id() == "rev2");
  CHECK(c.late_resolutions(0).reason() == "second");
}

TEST_CASE("resolving an unknown conflict is refused", "[reconcile]") {
  RecordState r = Conflicted();
  const std::string before = Bytes(r);
  auto unknown = Apply(r, Resolve(kRidHex + ":turnout", {{"turnout", Int(1)}}), S("rev", 2, 600), 5, kNoLookup);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == wardsync::Status::Code::kFailedPrecondition);
  CHECK(unknown.status().message() == "conflict " + kRidHex + ":turnout does not exist");
  CHECK(Bytes(r) == before);
}

TEST_CASE("a field resolution must set exactly the conflict's field", "[reconcile]") {
  RecordState r = Conflicted();
  const std::string before = Bytes(r);
  for (const auto& bad : {Resolve(kVotes, {}), Resolve(kVotes, {{"turnout", Int(1)}}),
                          Resolve(kVotes, {{"votes", Int(1)}, {"turnout", Int(1)}}), Resolve("", {{"votes", Int(1)}})}) {
    auto res = Apply(r, bad, S("rev", 1, 500), 4, kNoLookup);
    CHECK_FALSE(res.ok());
    CHECK(res.status().code() == wardsync::Status::Code::kInvalidArgument);
  }
  CHECK(Bytes(r) == before);
}

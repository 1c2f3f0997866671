// Review of submissions (Change.Op REVIEW, common/reconcile/verdict.h): a
// verdict on the version the reviewer saw, stale when the record changed
// under it, never touching values or the record version; any other change
// returns a reviewed record to received.
#include <catch2/catch.hpp>

#include "common/reconcile/verdict.h"
#include "tests/unit/reconcile/fixtures.h"

using namespace rtest;

namespace {

Change Review(wardsync::changes::ReviewStatus status, const ChangeId& base, const std::string& comment = "") {
  Change c = Make(Change::REVIEW, {});
  c.set_review(status);
  *c.mutable_base() = base;
  c.set_comment(comment);
  return c;
}

}  // namespace

TEST_CASE("a review of the current version sets the verdict and keeps the comment", "[reconcile][verdict]") {
  RecordState r = Base();
  const RecordState before = r;
  auto out = Ok(r, Review(changes::REVIEW_NEEDS_CORRECTION, Id("c", 1), "thiếu chữ ký"), S("server", 1, 300), 7);
  CHECK(out.opened.empty());
  CHECK(r.review().status() == changes::REVIEW_NEEDS_CORRECTION);
  CHECK(r.review().stamp().change().device_id() == "server");
  CHECK(r.review().reviewed().device_id() == "c");
  REQUIRE(r.comments_size() == 1);
  CHECK(r.comments(0).text() == "thiếu chữ ký");
  CHECK_FALSE(r.comments(0).stale());
  CHECK(r.comments(0).stamp().officer() == "officer-server");
  // Values and the record version are untouched: a later edit or delete of
  // an officer who never saw the review is not concurrent with it.
  CHECK(Bytes(r.last_change()) == Bytes(before.last_change()));
  CHECK(IntOf(r, "votes") == 10);
  CHECK(r.log_seq() == 7);
  auto edit = Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("c", 2, 400), 8);
  CHECK_FALSE(edit.concurrent);
}

TEST_CASE("an edit after approval returns the record to received; the thread stays", "[reconcile][verdict]") {
  RecordState r = Base();
  Ok(r, Review(changes::REVIEW_APPROVED, Id("c", 1), "khớp biên bản"), S("rev", 1, 300), 2);
  CHECK(r.review().status() == changes::REVIEW_APPROVED);
  Ok(r, Update({{"votes", Int(12), Id("c", 1)}}), S("c", 2, 400), 3);
  CHECK(r.review().status() == changes::REVIEW_RECEIVED);
  CHECK(r.review().stamp().change().device_id() == "c");  // what returned it
  CHECK_FALSE(r.review().has_reviewed());
  CHECK(r.comments_size() == 1);
  // A delete does too.
  Ok(r, Review(changes::REVIEW_APPROVED, Id("c", 2)), S("rev", 2, 500), 4);
  CHECK(r.review().status() == changes::REVIEW_APPROVED);
  Ok(r, Delete(Id("c", 2)), S("c", 3, 600), 5);
  CHECK(r.review().status() == changes::REVIEW_RECEIVED);
}

TEST_CASE("a review of a version that is no longer current is kept as a stale comment", "[reconcile][verdict]") {
  RecordState r = Base();
  Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("c", 2, 200), 2);
  // The reviewer approved what it saw: version c/1.
  Ok(r, Review(changes::REVIEW_APPROVED, Id("c", 1), "ok"), S("rev", 1, 300), 3);
  CHECK(r.review().status() == changes::REVIEW_RECEIVED);
  REQUIRE(r.comments_size() == 1);
  CHECK(r.comments(0).stale());
  CHECK(r.comments(0).status() == changes::REVIEW_APPROVED);
}

TEST_CASE("bad reviews are refused and change nothing", "[reconcile][verdict]") {
  RecordState r = Base();
  const std::string before = Bytes(r);
  auto refused = [&](const Change& c) {
    auto res = reconcile::Apply(r, c, S("rev", 1, 300), 2, kNoLookup);
    CHECK_FALSE(res.ok());
    CHECK(Bytes(r) == before);
    return res.ok() ? std::string() : res.status().message();
  };
  CHECK_THAT(refused(Review(changes::REVIEW_NEEDS_CORRECTION, Id("c", 1))), Catch::Contains("needs a comment"));
  Change with_sets = Review(changes::REVIEW_APPROVED, Id("c", 1));
  *with_sets.add_sets() = Update({{"votes", Int(1)}}).sets(0);
  CHECK_THAT(refused(with_sets), Catch::Contains("carries field sets"));
  Change unknown = Review(changes::REVIEW_APPROVED, Id("c", 1));
  unknown.set_review(static_cast<changes::ReviewStatus>(9));
  CHECK_THAT(refused(unknown), Catch::Contains("unknown verdict"));
  Change other_ward = Review(changes::REVIEW_APPROVED, Id("c", 1));
  other_ward.set_ward("ward-99");
  CHECK_THAT(refused(other_ward), Catch::Contains("ward"));
  RecordState none;
  auto res = reconcile::Apply(none, Review(changes::REVIEW_APPROVED, Id("c", 1)), S("rev", 1, 300), 2, kNoLookup);
  REQUIRE_FALSE(res.ok());
  CHECK_THAT(res.status().message(), Catch::Contains("does not exist"));
  Ok(r, Delete(Id("c", 1)), S("c", 2, 200), 3);
  res = reconcile::Apply(r, Review(changes::REVIEW_APPROVED, Id("c", 2)), S("rev", 1, 300), 4, kNoLookup);
  REQUIRE_FALSE(res.ok());
  CHECK_THAT(res.status().message(), Catch::Contains("deleted"));
}

TEST_CASE("verdict names round-trip", "[reconcile][verdict]") {
  for (auto s : {changes::REVIEW_RECEIVED, changes::REVIEW_NEEDS_CORRECTION, changes::REVIEW_APPROVED}) {
    changes::ReviewStatus back = changes::REVIEW_APPROVED;
    REQUIRE(reconcile::ParseVerdict(reconcile::VerdictName(s), &back));
    CHECK(back == s);
  }
  changes::ReviewStatus x;
  CHECK_FALSE(reconcile::ParseVerdict("APPROVED", &x));
  CHECK_FALSE(reconcile::ParseVerdict("", &x));
}

// Review of submissions on a real server and real devices: a reviewer's
// verdict made on the server (`review`, what the dashboard runs) is a
// signed change of the server's chain, in the log and the record's history,
// pulled by the ward's officer device and shown by its `show`/`list`; an
// officer's edit returns the record to received; a reviewer device's own
// REVIEW is applied like any change of its chain, an officer device's is
// refused.
#include "tests/integration/review/review_fixture.h"

using namespace review_test;

namespace {

changes::Change ReviewOf(const records::RecordState& r, changes::ReviewStatus status, const std::string& comment) {
  changes::Change c;
  c.set_op(changes::Change::REVIEW);
  c.set_record_id(r.record_id());
  c.set_form_id(r.form_id());
  c.set_form_version(r.form_version());
  c.set_ward(r.ward());
  *c.mutable_base() = r.last_change().change();
  c.set_review(status);
  c.set_comment(comment);
  return c;
}

}  // namespace

TEST_CASE("review: a verdict from the server reaches the officer's device and an edit returns it to received",
          "[integration][review][verdict]") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  const std::string id = a1.New("voter-meeting", Meeting(100, 80));
  a1.Sync();

  srv.Ok({"review", id, "--state", "needs-correction", "--comment", "Thiếu chữ ký của thư ký", "--officer",
          "reviewer (dashboard, 127.0.0.1)"});
  records::RecordState held = srv.Record(id);
  CHECK(held.review().status() == changes::REVIEW_NEEDS_CORRECTION);
  CHECK(held.review().stamp().change().device_id() == "server");
  CHECK(held.review().stamp().officer() == "reviewer (dashboard, 127.0.0.1)");

  a1.Sync();
  records::RecordState local = a1.Local(id);
  CHECK(local.review().status() == changes::REVIEW_NEEDS_CORRECTION);
  REQUIRE(local.comments_size() == 1);
  CHECK(local.comments(0).text() == "Thiếu chữ ký của thư ký");
  CHECK(local.comments(0).stamp().officer() == "reviewer (dashboard, 127.0.0.1)");
  CHECK_THAT(a1.Ok({"show", id}).out, Catch::Contains("verdict: needs-correction: Thiếu chữ ký của thư ký"));
  CHECK_THAT(a1.Ok({"list"}).out, Catch::Contains("[needs-correction: Thiếu chữ ký của thư ký]"));
  auto shown = Json(a1.Ok({"show", id, "--json"}).out);
  CHECK(At(At(shown, "review"), "status").string_value() == "needs-correction");
  CHECK(At(At(At(shown, "comments"), 0), "text").string_value() == "Thiếu chữ ký của thư ký");

  // The officer's fix: received again, on the device at once (its own view)
  // and on the server after the sync; the thread stays.
  a1.Edit(id, {"attended=79"});
  CHECK(a1.Local(id).review().status() == changes::REVIEW_RECEIVED);
  a1.Sync();
  held = srv.Record(id);
  CHECK(held.review().status() == changes::REVIEW_RECEIVED);
  CHECK(held.comments_size() == 1);

  srv.Ok({"review", id, "--state", "approved", "--comment", "Khớp biên bản"});
  a1.Sync();
  CHECK(a1.Local(id).review().status() == changes::REVIEW_APPROVED);

  // In the history, with who decided; and the log replays to the same record.
  const std::string history = srv.Ok({"history", id}).out;
  CHECK_THAT(history, Catch::Contains("REVIEW  by server:"));
  CHECK_THAT(history, Catch::Contains("officer reviewer (dashboard, 127.0.0.1)"));
  CHECK_THAT(history, Catch::Contains("verdict: needs-correction"));
  CHECK_THAT(history, Catch::Contains("review: needs-correction -> received"));
  auto h = Json(srv.Ok({"history", id, "--json"}).out);
  CHECK(At(At(h, "review"), "status").string_value() == "approved");
  CHECK(Size(At(h, "comments")) == 2);
  srv.Ok({"verify"});
}

TEST_CASE("review: bad verdicts are refused and change nothing", "[integration][review][verdict]") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  const std::string id = a1.New("voter-meeting", Meeting(100, 80));
  a1.Sync();
  const records::RecordState before = srv.Record(id);
  struct Case {
    std::vector<std::string> args;
    int code;
    const char* message;
  };
  const std::vector<Case> cases = {
      {{"review", id, "--state", "needs-correction"}, 2, "--comment TEXT is required"},
      {{"review", id, "--state", "needs-correction", "--comment", ""}, 2, "--comment TEXT is required"},
      {{"review", id, "--state", "ok"}, 2, "--state must be approved, needs-correction or received"},
      {{"review", id}, 2, "--state"},
      {{"review", "zz", "--state", "approved"}, 2, "is not a record id"},
      {{"review", std::string(32, 'a'), "--state", "approved"}, 1, "no record"},
  };
  for (const auto& c : cases) {
    CliResult r = srv.Cli(c.args);
    INFO(r.err);
    CHECK(r.code == c.code);
    CHECK_THAT(r.err, Catch::Contains(c.message));
  }
  std::string diff;
  CHECK(Same(srv.Record(id), before, &diff));
  a1.Ok({"delete", id});
  a1.Sync();
  CliResult r = srv.Cli({"review", id, "--state", "approved"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("is deleted"));
}

TEST_CASE("review: a reviewer device's REVIEW is applied, an officer device's is refused",
          "[integration][review][verdict]") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  TestDevice rv(srv, "rv", kWardB, "reviewer", "Phạm Minh Châu");
  const std::string id = a1.New("voter-meeting", Meeting(100, 80));
  a1.Sync();
  rv.Sync();

  Smuggle(rv, ReviewOf(rv.Local(id), changes::REVIEW_APPROVED, "đã đối chiếu"));
  rv.Sync();
  records::RecordState held = srv.Record(id);
  CHECK(held.review().status() == changes::REVIEW_APPROVED);
  CHECK(held.review().stamp().officer() == "Phạm Minh Châu");

  Smuggle(a1, ReviewOf(a1.Local(id), changes::REVIEW_APPROVED, "tự duyệt"));
  CliResult r = a1.Cli({"sync"});
  CHECK(r.code != 0);
  CHECK_THAT(r.err + r.out, Catch::Contains("may not resolve conflicts nor review records"));
  CHECK(srv.Record(id).comments_size() == 1);
}

// Two resolvers racing on one conflict: the server resolves it while a
// reviewer device, offline, resolves it too. The late RESOLVE must not block
// the reviewer's hash chain (a refused change-set blocks every later one),
// the first decision stands, and the late one stays on record: in the
// record's conflict, in `show` on the reviewer's device, and in `history`.
#include "tests/integration/review/review_fixture.h"

using namespace review_test;

TEST_CASE("review: a late resolution of an already resolved conflict does not block the device", "[review]") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  TestDevice a2(srv, "a2", kWardA, "officer", "Lê Thị Hoa");
  TestDevice rv(srv, "rv", kWardB, "reviewer", "Phạm Minh Châu");
  const std::string id = a1.New("voter-meeting", Meeting(100, 80));
  a1.Sync();
  a2.Sync();
  a1.Edit(id, {"attended=85"});
  a2.Edit(id, {"attended=90"});
  a1.Sync();
  a2.Sync();
  rv.Sync();
  auto queue = Json(rv.Ok({"conflicts", "--json"}).out);
  REQUIRE(Size(queue) == 1);
  const std::string cid = At(At(queue, 0), "id").string_value();

  srv.Ok({"resolve", cid, "--value", "87", "--reason", "decided at the centre"});
  rv.Ok({"resolve", cid, "--pick", "1", "--reason", "decided offline"});  // the reviewer has not pulled yet
  auto r = rv.Cli({"sync", "--quiet"});
  INFO(r.err);
  REQUIRE(r.code == 0);  // exit 0: every pending change-set was acknowledged, the chain is not blocked
  CHECK(srv.Record(id).fields().at("attended").value().integer() == 87);

  // Both decisions are on record.
  const auto stored = srv.Record(id);
  REQUIRE(stored.conflicts_size() == 1);
  REQUIRE(stored.conflicts(0).late_resolutions_size() == 1);
  CHECK(stored.conflicts(0).late_resolutions(0).reason() == "decided offline");
  CHECK(rv.Ok({"show", id}).out.find("late resolution, not applied") != std::string::npos);
  CHECK(srv.Ok({"history", id}).out.find("late resolution of conflict " + cid) != std::string::npos);
  CHECK(srv.Ok({"verify"}).code == 0);
}

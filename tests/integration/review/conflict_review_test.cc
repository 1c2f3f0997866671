// The review workflow end to end on a real server and real devices:
// concurrent edits become conflicts visible everywhere; the server or a
// reviewer device resolves them; the resolution reaches every device by its
// normal pull; history tells the whole story.
#include "tests/integration/review/review_fixture.h"

using namespace review_test;

namespace {

std::set<std::string> CandidateValues(const google::protobuf::Value& conflict) {
  std::set<std::string> out;
  const auto& cands = At(conflict, "candidates");
  for (int i = 0; i < Size(cands); ++i) {
    const auto& c = At(cands, i);
    const auto& fields = c.struct_value().fields();
    if (fields.count("value")) {
      const auto& v = fields.at("value");
      out.insert(v.kind_case() == google::protobuf::Value::kNumberValue ? std::to_string(static_cast<int64_t>(v.number_value()))
                                                                      : v.string_value());
    } else {
      out.insert(At(c, "action").string_value());
    }
  }
  return out;
}

int64_t IntField(const records::RecordState& r, const std::string& f) {
  auto it = r.fields().find(f);
  REQUIRE(it != r.fields().end());
  return it->second.value().integer();
}

}  // namespace

TEST_CASE("review: concurrent edits of one field conflict everywhere; server and reviewer resolutions reach all") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  TestDevice a2(srv, "a2", kWardA, "officer", "Lê Thị Hoa");
  TestDevice rv(srv, "rv", kWardB, "reviewer", "Phạm Minh Châu");

  const std::string id = a1.New("voter-meeting", Meeting(100, 80));
  a1.Sync();
  a2.Sync();
  // Offline, neither sees the other's edit.
  a1.Edit(id, {"attended=85"});
  a2.Edit(id, {"attended=90"});
  a1.Sync();
  a2.Sync();

  // The server holds one open conflict with both values, base 80.
  auto queue = Json(srv.Ok({"conflicts", "--json"}).out);
  REQUIRE(Size(queue) == 1);
  const auto& c = At(queue, 0);
  const std::string cid = At(c, "id").string_value();
  CHECK(At(c, "field").string_value() == "attended");
  CHECK(At(c, "ward").string_value() == kWardA);
  CHECK(At(c, "record").string_value() == id);
  CHECK(At(c, "base").number_value() == 80);
  CHECK(CandidateValues(c) == std::set<std::string>{"85", "90"});
  for (int i = 0; i < 2; ++i) {
    CHECK_FALSE(At(At(At(c, "candidates"), i), "officer").string_value().empty());
    CHECK_FALSE(At(At(At(c, "candidates"), i), "received").string_value().empty());
  }
  CHECK(Size(Json(srv.Ok({"conflicts", "--json", "--ward", kWardB}).out)) == 0);
  const std::string text = srv.Ok({"conflicts"}).out;
  CHECK(text.find("conflict " + cid) != std::string::npos);
  CHECK(text.find("[2] ") != std::string::npos);

  // After a pull, both devices show the open conflict with both candidates.
  a1.Sync();
  a2.Sync();
  for (TestDevice* d : {&a1, &a2}) {
    auto shown = Json(d->Ok({"show", id, "--json"}).out);
    CHECK(At(shown, "open_conflicts").number_value() == 1);
    auto listed = Json(d->Ok({"conflicts", "--json"}).out);
    REQUIRE(Size(listed) == 1);
    CHECK(At(At(listed, 0), "id").string_value() == cid);
    CHECK(CandidateValues(At(listed, 0)) == std::set<std::string>{"85", "90"});
    CHECK(d->Ok({"show", id}).out.find("IN CONFLICT") != std::string::npos);
    CHECK(IntField(d->Local(id), "attended") == IntField(srv.Record(id), "attended"));  // same provisional value
  }

  SECTION("server resolution") {
    // Refusals change nothing.
    auto r = srv.Cli({"resolve", cid, "--pick", "3", "--reason", "x"});
    CHECK(r.code != 0);
    CHECK(r.err.find("pick 1..2") != std::string::npos);
    r = srv.Cli({"resolve", cid, "--value", "abc", "--reason", "x"});
    CHECK(r.code != 0);
    CHECK(r.err.find("not an integer") != std::string::npos);
    r = srv.Cli({"resolve", cid, "--value", "-5", "--reason", "x"});
    CHECK(r.code != 0);
    r = srv.Cli({"resolve", cid, "--value", "120", "--reason", "more attended than invited"});
    CHECK(r.code != 0);
    CHECK(r.err.find("break the record") != std::string::npos);
    r = srv.Cli({"resolve", cid, "--value", "87"});
    CHECK(r.code == 2);
    CHECK(r.err.find("--reason") != std::string::npos);
    r = srv.Cli({"resolve", id + ":nosuchfield", "--value", "1", "--reason", "x"});
    CHECK(r.code != 0);
    CHECK(r.err.find("no conflict") != std::string::npos);
    CHECK(Size(Json(srv.Ok({"conflicts", "--json"}).out)) == 1);

    srv.Ok({"resolve", cid, "--value", "87", "--reason", "recounted from the sign-in sheet"});
    CHECK(Size(Json(srv.Ok({"conflicts", "--json"}).out)) == 0);
    CHECK(IntField(srv.Record(id), "attended") == 87);

    a1.Sync();
    a2.Sync();
    for (TestDevice* d : {&a1, &a2}) {
      const auto local = d->Local(id);
      CHECK(OpenConflict(local, "attended") == nullptr);
      CHECK(IntField(local, "attended") == 87);
      REQUIRE(local.conflicts_size() == 1);
      CHECK(local.conflicts(0).resolved_by().change().device_id() == "server");
      CHECK(local.conflicts(0).reason() == "recounted from the sign-in sheet");
      CHECK(Size(Json(d->Ok({"conflicts", "--json"}).out)) == 0);
    }

    // A closed conflict cannot be resolved again.
    r = srv.Cli({"resolve", cid, "--pick", "1", "--reason", "again"});
    CHECK(r.code == 1);
    CHECK(r.err.find("already resolved") != std::string::npos);

    // History: create, two edits (one opened the conflict), the resolution.
    auto h = Json(srv.Ok({"history", id, "--json"}).out);
    CHECK(At(h, "matches_stored").bool_value());
    const auto& changes = At(h, "changes");
    REQUIRE(Size(changes) == 4);
    CHECK(At(At(changes, 0), "op").string_value() == "CREATE");
    CHECK(At(At(changes, 1), "op").string_value() == "UPDATE");
    CHECK(Size(At(At(changes, 1), "conflicts_opened")) == 0);
    CHECK(Size(At(At(changes, 2), "conflicts_opened")) == 1);
    const auto& res = At(changes, 3);
    CHECK(At(res, "op").string_value() == "RESOLVE");
    CHECK(At(res, "device_role").string_value() == "server");
    CHECK(At(res, "reason").string_value() == "recounted from the sign-in sheet");
    CHECK(At(At(res, "conflicts_resolved"), 0).string_value() == cid);
    REQUIRE(Size(At(res, "fields")) == 1);
    CHECK(At(At(At(res, "fields"), 0), "after").number_value() == 87);
    const double before = At(At(At(res, "fields"), 0), "before").number_value();
    CHECK((before == 85 || before == 90));
    CHECK(At(At(At(At(changes, 0), "fields"), 0), "before").kind_case() == google::protobuf::Value::kNullValue);
    const std::string htext = srv.Ok({"history", id}).out;
    CHECK(htext.find("opened conflict " + cid) != std::string::npos);
    CHECK(htext.find("resolved conflict " + cid) != std::string::npos);
    CHECK(htext.find("attended: 80 -> ") != std::string::npos);
  }

  SECTION("reviewer device resolution, queued offline") {
    rv.Sync();
    auto listed = Json(rv.Ok({"conflicts", "--json"}).out);  // a reviewer sees every ward
    REQUIRE(Size(listed) == 1);
    const std::string chosen = At(At(At(listed, 0), "candidates"), 0).struct_value().fields().at("value").kind_case() ==
                                       google::protobuf::Value::kNumberValue
                                   ? std::to_string(static_cast<int64_t>(
                                         At(At(At(At(listed, 0), "candidates"), 0), "value").number_value()))
                                   : "";
    // An officer may not resolve.
    auto r = a1.Cli({"resolve", cid, "--pick", "1", "--reason", "mine"});
    CHECK(r.code == 1);
    CHECK(r.err.find("only reviewers resolve conflicts") != std::string::npos);

    rv.Ok({"resolve", cid, "--pick", "1", "--reason", "matches the minutes"});
    CHECK(OpenConflict(rv.Local(id), "attended") == nullptr);  // closed in the reviewer's view at once
    CHECK(Size(Json(srv.Ok({"conflicts", "--json"}).out)) == 1);  // not yet on the server
    r = rv.Cli({"resolve", cid, "--pick", "2", "--reason", "changed my mind"});
    CHECK(r.code == 1);
    CHECK(r.err.find("already resolved") != std::string::npos);

    rv.Sync();
    CHECK(Size(Json(srv.Ok({"conflicts", "--json"}).out)) == 0);
    CHECK(std::to_string(IntField(srv.Record(id), "attended")) == chosen);
    a1.Sync();
    a2.Sync();
    for (TestDevice* d : {&a1, &a2}) {
      const auto local = d->Local(id);
      CHECK(OpenConflict(local, "attended") == nullptr);
      CHECK(std::to_string(IntField(local, "attended")) == chosen);
      CHECK(local.conflicts(0).reason() == "matches the minutes");
      CHECK(local.conflicts(0).resolved_by().change().device_id() != "server");
    }
    auto again = srv.Cli({"resolve", cid, "--pick", "1", "--reason", "again"});
    CHECK(again.code == 1);
    CHECK(again.err.find("already resolved") != std::string::npos);
  }
}

TEST_CASE("review: delete against edit is a whole-record conflict resolved with keep or delete") {
  TestServer srv;
  TestDevice a1(srv, "a1", kWardA, "officer", "Nguyễn Văn An");
  TestDevice a2(srv, "a2", kWardA, "officer", "Lê Thị Hoa");

  const std::string keep_id = a1.New("voter-meeting", Meeting(100, 80));
  const std::string drop_id = a1.New("voter-meeting", Meeting(60, 50));
  a1.Sync();
  a2.Sync();
  // keep_id: the delete arrives first, the edit after it.
  a1.Ok({"delete", keep_id});
  a2.Edit(keep_id, {"attended=70"});
  // drop_id: the edit arrives first, the (later) delete after it.
  a2.Edit(drop_id, {"attended=55"});
  a1.Ok({"delete", drop_id});
  a1.Sync();
  a2.Sync();
  a1.Sync();

  auto queue = Json(srv.Ok({"conflicts", "--json"}).out);
  REQUIRE(Size(queue) == 2);
  std::map<std::string, std::string> by_record;
  for (int i = 0; i < 2; ++i) {
    CHECK(At(At(queue, i), "field").string_value() == "");
    CHECK(CandidateValues(At(queue, i)) == std::set<std::string>{"keep", "delete"});
    by_record[At(At(queue, i), "record").string_value()] = At(At(queue, i), "id").string_value();
  }
  const std::string keep_cid = by_record.at(keep_id), drop_cid = by_record.at(drop_id);
  // Both devices see both conflicts.
  for (TestDevice* d : {&a1, &a2}) CHECK(Size(Json(d->Ok({"conflicts", "--json"}).out)) == 2);

  auto r = srv.Cli({"resolve", keep_cid, "--value", "maybe", "--reason", "x"});
  CHECK(r.code == 1);
  CHECK(r.err.find("keep") != std::string::npos);

  srv.Ok({"resolve", keep_cid, "--value", "keep", "--reason", "the meeting did take place"});
  // Pick the delete candidate of the other by its number.
  int delete_number = 0;
  for (int i = 0; i < 2; ++i) {
    if (At(At(queue, i), "id").string_value() != drop_cid) continue;
    for (int k = 0; k < Size(At(At(queue, i), "candidates")); ++k) {
      const auto& cand = At(At(At(queue, i), "candidates"), k);
      if (At(cand, "action").string_value() == "delete") delete_number = static_cast<int>(At(cand, "number").number_value());
    }
  }
  REQUIRE(delete_number > 0);
  srv.Ok({"resolve", drop_cid, "--pick", std::to_string(delete_number), "--reason", "entered twice"});
  CHECK(Size(Json(srv.Ok({"conflicts", "--json"}).out)) == 0);

  a1.Sync();
  a2.Sync();
  for (TestDevice* d : {&a1, &a2}) {
    const auto kept = d->Local(keep_id);
    CHECK_FALSE(kept.deleted());
    CHECK(IntField(kept, "attended") == 70);  // the edit that raced the delete is not lost
    CHECK(OpenConflict(kept, "") == nullptr);
    const auto dropped = d->Local(drop_id);
    CHECK(dropped.deleted());
    CHECK(OpenConflict(dropped, "") == nullptr);
    CHECK(Same(kept, srv.Record(keep_id)));
    CHECK(Same(dropped, srv.Record(drop_id)));
  }
  // The kept record is editable again.
  a2.Edit(keep_id, {"attended=71"});
  a2.Sync();
  CHECK(IntField(srv.Record(keep_id), "attended") == 71);
}

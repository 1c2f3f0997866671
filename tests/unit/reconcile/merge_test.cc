#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/unit/reconcile/fixtures.h"

using namespace rtest;
using wardsync::reconcile::FindOpenConflict;
using wardsync::reconcile::Wins;

TEST_CASE("Wins orders by hlc, then device id bytes, then seq", "[reconcile]") {
  CHECK(Wins(S("a", 1, 200), S("b", 9, 100)));
  CHECK_FALSE(Wins(S("b", 9, 100), S("a", 1, 200)));
  CHECK(Wins(S("b", 1, 100), S("a", 9, 100)));
  // byte compare: 0x80 is above 'z' (no signed char surprises)
  CHECK(Wins(S("\x80" "a", 1, 100), S("zz", 1, 100)));
  CHECK(Wins(S("a", 3, 100), S("a", 2, 100)));
  CHECK_FALSE(Wins(S("a", 3, 100), S("a", 3, 100)));
}

TEST_CASE("create stores the record and only fields with a value", "[reconcile]") {
  RecordState r;
  auto out = Ok(r, Create({{"votes", Int(10)}, {"note", std::nullopt}}), S("c", 1, 100), 7);
  CHECK(r.record_id() == kRid);
  CHECK(r.form_id() == kForm);
  CHECK(r.ward() == kWard);
  CHECK(r.form_version() == 1);
  CHECK(r.log_seq() == 7);
  CHECK(r.created().change().device_id() == "c");
  CHECK(r.last_change().change().seq() == 1);
  CHECK(r.fields_size() == 1);
  CHECK(IntOf(r, "votes") == 10);
  CHECK(r.fields().at("votes").stamp().hlc() == 100);
  CHECK(out.opened.empty());
  CHECK_FALSE(out.concurrent);
}

TEST_CASE("edits to different fields merge without conflict", "[reconcile]") {
  RecordState r = Base();
  auto a = Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 200), 2);
  auto b = Ok(r, Update({{"turnout", Int(60), Id("c", 1)}}), S("b", 1, 150), 3);
  CHECK(r.conflicts_size() == 0);
  CHECK(IntOf(r, "votes") == 11);
  CHECK(IntOf(r, "turnout") == 60);
  CHECK(r.fields().at("votes").stamp().change().device_id() == "a");
  CHECK(r.fields().at("turnout").stamp().change().device_id() == "b");
  CHECK_FALSE(a.concurrent);
  CHECK_FALSE(b.concurrent);
  CHECK(r.last_change().change().device_id() == "b");
  CHECK(r.log_seq() == 3);
  // A new field nobody had set: base empty is "saw it never set".
  auto c = Ok(r, Update({{"remarks", Int(1), std::nullopt}}), S("d", 1, 160), 4);
  CHECK_FALSE(c.concurrent);
  CHECK(r.conflicts_size() == 0);
}

TEST_CASE("concurrent edits of one field open a conflict with both candidates", "[reconcile]") {
  RecordState r = Base();
  int lookups = 0;
  wardsync::reconcile::BaseLookup lookup = [&](const ChangeId& v, const std::string& field) -> std::optional<Value> {
    ++lookups;
    if (v.device_id() == "c" && v.seq() == 1 && field == "votes") return Int(10);
    return std::nullopt;
  };
  Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 200), 2, lookup);
  CHECK(lookups == 0);  // ordinary edit
  auto out = Ok(r, Update({{"votes", Int(12), Id("c", 1)}}), S("b", 1, 300), 3, lookup);
  CHECK(lookups == 1);
  CHECK(out.concurrent);
  REQUIRE(out.opened.size() == 1);
  CHECK(out.opened[0] == kRidHex + ":votes");
  REQUIRE(r.conflicts_size() == 1);
  const auto& c = r.conflicts(0);
  CHECK(c.id() == kRidHex + ":votes");
  CHECK(c.field() == "votes");
  CHECK(c.open());
  CHECK(c.opened_seq() == 3);
  CHECK(c.base_value().integer() == 10);
  REQUIRE(c.candidates_size() == 2);
  std::vector<int64_t> values;
  for (const auto& cand : c.candidates()) values.push_back(cand.value().integer());
  std::sort(values.begin(), values.end());
  CHECK(values == std::vector<int64_t>{11, 12});
  // provisional: higher hlc
  CHECK(IntOf(r, "votes") == 12);
  CHECK(r.fields().at("votes").stamp().change().device_id() == "b");
  CHECK(FindOpenConflict(r, "votes") == &r.conflicts(0));
  CHECK(FindOpenConflict(r, "turnout") == nullptr);
}

TEST_CASE("equal hlc: the provisional value goes to the higher device id", "[reconcile]") {
  for (int order = 0; order < 2; ++order) {
    RecordState r = Base();
    Change ca = Update({{"votes", Int(11), Id("c", 1)}});
    Change cb = Update({{"votes", Int(12), Id("c", 1)}});
    if (order == 0) {
      Ok(r, ca, S("dev-a", 5, 200), 2);
      Ok(r, cb, S("dev-b", 1, 200), 3);
    } else {
      Ok(r, cb, S("dev-b", 1, 200), 2);
      Ok(r, ca, S("dev-a", 5, 200), 3);
    }
    CHECK(IntOf(r, "votes") == 12);
    CHECK(r.conflicts_size() == 1);
  }
}

TEST_CASE("the provisional value does not depend on arrival order", "[reconcile]") {
  struct Edit {
    Change change;
    Stamp stamp;
  };
  // Clock of device a is ahead; b's edit was made later in real time.
  std::vector<Edit> edits = {
      {Update({{"votes", Int(11), Id("c", 1)}, {"turnout", Int(51), Id("c", 1)}}), S("a", 1, 900)},
      {Update({{"votes", Int(12), Id("c", 1)}}), S("b", 1, 300)},
      {Update({{"votes", Int(13), Id("c", 1)}, {"turnout", Int(53), Id("c", 1)}}), S("e", 4, 900)},
  };
  std::vector<int> idx = {0, 1, 2};
  std::optional<std::string> expected_fields;
  int permutations = 0;
  do {
    RecordState r = Base();
    uint64_t seq = 2;
    for (int i : idx) Ok(r, edits[i].change, edits[i].stamp, seq++);
    RecordState only_fields;
    *only_fields.mutable_fields() = r.fields();
    const std::string bytes = Bytes(only_fields);
    if (!expected_fields) expected_fields = bytes;
    CHECK(bytes == *expected_fields);
    CHECK(IntOf(r, "votes") == 13);    // hlc tie 900: "e" > "a"
    CHECK(IntOf(r, "turnout") == 53);
    REQUIRE(r.conflicts_size() == 2);  // votes, turnout
    const auto* votes = FindOpenConflict(r, "votes");
    REQUIRE(votes != nullptr);
    CHECK(votes->candidates_size() == 3);
    ++permutations;
  } while (std::next_permutation(idx.begin(), idx.end()));
  CHECK(permutations == 6);
}

TEST_CASE("three devices on one field keep every value", "[reconcile]") {
  RecordState r = Base();
  auto o1 = Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 200), 2);
  auto o2 = Ok(r, Update({{"votes", Int(12), Id("c", 1)}}), S("b", 1, 400), 3);
  auto o3 = Ok(r, Update({{"votes", Int(13), Id("c", 1)}}), S("d", 1, 300), 4);
  CHECK(o1.opened.empty());
  CHECK(o2.opened.size() == 1);
  CHECK(o3.opened.empty());
  REQUIRE(o3.joined.size() == 1);
  CHECK(o3.joined[0] == o2.opened[0]);
  CHECK(o3.concurrent);
  REQUIRE(r.conflicts_size() == 1);
  const auto& c = r.conflicts(0);
  REQUIRE(c.candidates_size() == 3);
  // candidates are kept in Wins order, strongest last
  CHECK(c.candidates(0).value().integer() == 11);
  CHECK(c.candidates(1).value().integer() == 13);
  CHECK(c.candidates(2).value().integer() == 12);
  CHECK(IntOf(r, "votes") == 12);
}

TEST_CASE("an edit that saw the provisional value replaces it without a new conflict", "[reconcile]") {
  RecordState r = Base();
  Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 200), 2);
  Ok(r, Update({{"votes", Int(12), Id("c", 1)}}), S("b", 1, 300), 3);
  REQUIRE(IntOf(r, "votes") == 12);
  const std::string id = r.conflicts(0).id();
  // Device d pulled the provisional value (b,1) and corrected it.
  auto out = Ok(r, Update({{"votes", Int(20), Id("b", 1)}}), S("d", 1, 400), 4);
  CHECK(out.opened.empty());
  CHECK_FALSE(out.concurrent);
  REQUIRE(out.joined.size() == 1);
  CHECK(out.joined[0] == id);
  CHECK(IntOf(r, "votes") == 20);
  CHECK(r.fields().at("votes").stamp().change().device_id() == "d");
  REQUIRE(r.conflicts_size() == 1);
  CHECK(r.conflicts(0).open());
  CHECK(r.conflicts(0).candidates_size() == 3);  // the reviewer sees the correction too
}

TEST_CASE("an edit that saw the provisional value wins it even with a clock behind", "[reconcile]") {
  // a (hlc 300) beats b (hlc 200); d saw a's value but its clock says 250.
  // d supersedes a, so the provisional value is max(b, d) = d, whatever the arrival order.
  Change ea = Update({{"votes", Int(11), Id("c", 1)}});
  Change eb = Update({{"votes", Int(12), Id("c", 1)}});
  Change ed = Update({{"votes", Int(20), Id("a", 1)}});
  RecordState r1 = Base();
  Ok(r1, ea, S("a", 1, 300), 2);
  Ok(r1, eb, S("b", 1, 200), 3);
  REQUIRE(IntOf(r1, "votes") == 11);
  Ok(r1, ed, S("d", 1, 250), 4);
  CHECK(IntOf(r1, "votes") == 20);

  RecordState r2 = Base();
  Ok(r2, ea, S("a", 1, 300), 2);
  Ok(r2, ed, S("d", 1, 250), 3);  // ordinary edit
  CHECK(r2.conflicts_size() == 0);
  Ok(r2, eb, S("b", 1, 200), 4);
  CHECK(IntOf(r2, "votes") == 20);
}

TEST_CASE("an edit that did not see the provisional value joins the open conflict", "[reconcile]") {
  RecordState r = Base();
  Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 200), 2);
  Ok(r, Update({{"votes", Int(12), Id("c", 1)}}), S("b", 1, 300), 3);
  const std::string id = r.conflicts(0).id();
  auto out = Ok(r, Update({{"votes", Int(14), Id("a", 1)}}), S("e", 1, 250), 4);  // saw a's value only
  CHECK(out.concurrent);
  CHECK(out.opened.empty());
  REQUIRE(out.joined.size() == 1);
  CHECK(out.joined[0] == id);
  CHECK(r.conflicts_size() == 1);
  CHECK(r.conflicts(0).candidates_size() == 3);
  CHECK(IntOf(r, "votes") == 12);  // b still wins: 300 > 250
  auto later = Ok(r, Update({{"votes", Int(15), Id("c", 1)}}), S("f", 1, 999), 5);
  CHECK(later.concurrent);
  CHECK(IntOf(r, "votes") == 15);
  CHECK(r.conflicts(0).candidates_size() == 4);
}

TEST_CASE("clearing a field keeps its version", "[reconcile]") {
  RecordState r = Base();
  Ok(r, Update({{"votes", std::nullopt, Id("c", 1)}}), S("a", 1, 200), 2);
  REQUIRE(r.fields().count("votes") == 1);
  CHECK_FALSE(r.fields().at("votes").has_value());
  CHECK(r.fields().at("votes").stamp().change().device_id() == "a");
  auto out = Ok(r, Update({{"votes", Int(3), Id("a", 1)}}), S("b", 1, 300), 3);
  CHECK_FALSE(out.concurrent);
  CHECK(IntOf(r, "votes") == 3);
  // Someone who still had the old value conflicts with the clear/new value.
  auto late = Ok(r, Update({{"votes", Int(4), Id("c", 1)}}), S("d", 1, 100), 4);
  CHECK(late.concurrent);
  CHECK(IntOf(r, "votes") == 3);
}

TEST_CASE("the same sequence of changes gives identical bytes", "[reconcile]") {
  auto run = [] {
    RecordState r = Base();
    Ok(r, Update({{"votes", Int(11), Id("c", 1)}, {"turnout", Int(70), Id("c", 1)}}), S("a", 1, 200), 2);
    Ok(r, Update({{"votes", Int(12), Id("c", 1)}}), S("b", 1, 300), 3);
    Ok(r, Update({{"turnout", Int(71), Id("c", 1)}}), S("d", 1, 310), 4);
    Ok(r, Delete(Id("c", 1)), S("e", 1, 320), 5);
    Ok(r, Resolve(kRidHex + ":votes", {{"votes", Int(12), std::nullopt}}), S("rev", 1, 400), 6);
    return Bytes(r);
  };
  const std::string first = run();
  for (int i = 0; i < 5; ++i) CHECK(run() == first);
}

// Repeat groups merge per row and per sub-field (common/forms/field_path.h):
// rows are "group[row]" markers and "group[row].sub" values, so the ordinary
// per-field stamps do the work. Two officers adding rows never conflict,
// editing different rows never conflicts, the same sub-field of the same row
// is an ordinary VALUES conflict; rules over groups are reviewed after the
// merge (RULE conflict).
#include <catch2/catch.hpp>

#include "common/forms/form_loader.h"
#include "common/forms/form_registry.h"
#include "common/forms/record_view.h"
#include "common/reconcile/form_rules.h"
#include "tests/unit/reconcile/fixtures.h"

using namespace rtest;
using wardsync::reconcile::FindOpenConflict;

namespace {

constexpr const char* kTally = R"({
  "id": "turnout", "version": 1,
  "fields": [
    {"name": "valid", "type": "INTEGER", "min": 0},
    {"name": "candidates", "type": "GROUP", "fields": [
      {"name": "name", "type": "TEXT"},
      {"name": "votes", "type": "INTEGER", "min": 0}]}
  ],
  "rules": [{"expr": "sum(candidates.votes) <= valid * 2", "label": "two seats"},
            {"expr": "candidates.votes <= valid"}]
})";

Value Text(const std::string& s) {
  Value v;
  v.set_text(s);
  return v;
}

RecordState WithValid() {
  RecordState r;
  Ok(r, Create({{"valid", Int(100)}}), S("c", 1, 100), 1);
  return r;
}

// Officer A adds row ra, officer B adds row rb, neither seeing the other.
Change AddRow(const std::string& row, int64_t position, const std::string& name, int64_t votes) {
  return Update({{"candidates[" + row + "]", Int(position)},
                 {"candidates[" + row + "].name", Text(name)},
                 {"candidates[" + row + "].votes", Int(votes)}});
}

}  // namespace

TEST_CASE("group: two officers adding rows never conflict, in either order", "[reconcile][group]") {
  RecordState one = WithValid(), two = WithValid();
  const Change a = AddRow("ra", 1, "Nguyễn Văn A", 40), b = AddRow("rb", 1, "Trần Thị B", 35);
  Ok(one, a, S("a", 1, 200), 2);
  Ok(one, b, S("b", 1, 190), 3);
  Ok(two, b, S("b", 1, 190), 2);
  Ok(two, a, S("a", 1, 200), 3);
  CHECK(one.conflicts_size() == 0);
  CHECK(two.conflicts_size() == 0);
  wardsync::forms::FormDef form;
  form.set_id("turnout");
  for (const RecordState* r : {&one, &two}) {
    wardsync::forms_util::RecordView view(form, r->fields());
    const auto& rows = view.Rows("candidates");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == "ra");  // same position: ordered by row id, whatever the arrival order
    CHECK(rows[1].id == "rb");
    CHECK(rows[1].values.at("votes")->integer() == 35);
  }
}

TEST_CASE("group: editing different rows never conflicts", "[reconcile][group]") {
  RecordState r = WithValid();
  Ok(r, AddRow("ra", 1, "A", 40), S("a", 1, 200), 2);
  Ok(r, AddRow("rb", 2, "B", 35), S("a", 2, 210), 3);
  // Both saw the two rows; A fixes ra's votes, B fixes rb's name and removes nothing.
  Ok(r, Update({{"candidates[ra].votes", Int(41), Id("a", 1)}}), S("a", 3, 300), 4);
  Ok(r, Update({{"candidates[rb].name", Text("Trần Thị B"), Id("a", 2)}}), S("b", 1, 290), 5);
  CHECK(r.conflicts_size() == 0);
  CHECK(IntOf(r, "candidates[ra].votes") == 41);
  CHECK(r.fields().at("candidates[rb].name").value().text() == "Trần Thị B");
}

TEST_CASE("group: the same sub-field of the same row is a VALUES conflict", "[reconcile][group]") {
  RecordState r = WithValid();
  Ok(r, AddRow("ra", 1, "A", 40), S("a", 1, 200), 2);
  auto x = Ok(r, Update({{"candidates[ra].votes", Int(41), Id("a", 1)}}), S("a", 2, 300), 3);
  auto y = Ok(r, Update({{"candidates[ra].votes", Int(44), Id("a", 1)}}), S("b", 1, 310), 4);
  CHECK_FALSE(x.concurrent);
  CHECK(y.concurrent);
  const auto* c = FindOpenConflict(r, "candidates[ra].votes");
  REQUIRE(c != nullptr);
  CHECK(c->kind() == wardsync::records::VALUES);
  CHECK(c->candidates_size() == 2);
  CHECK(IntOf(r, "candidates[ra].votes") == 44);  // provisional: the later hlc
  // The row's other sub-fields are untouched by the conflict.
  CHECK(FindOpenConflict(r, "candidates[ra].name") == nullptr);
}

TEST_CASE("group: a removed row leaves the rows; an edit merged with the removal keeps its value stored", "[reconcile][group]") {
  RecordState r = WithValid();
  Ok(r, AddRow("ra", 1, "A", 40), S("a", 1, 200), 2);
  Ok(r, Update({{"candidates[ra]", std::nullopt, Id("a", 1)}}), S("a", 2, 300), 3);  // remove the row
  Ok(r, Update({{"candidates[ra].votes", Int(45), Id("a", 1)}}), S("b", 1, 290), 4);  // edited it meanwhile
  CHECK(r.conflicts_size() == 0);
  wardsync::forms::FormDef form;
  CHECK(wardsync::forms_util::RecordView(form, r.fields()).Rows("candidates").empty());
  CHECK(IntOf(r, "candidates[ra].votes") == 45);
}

TEST_CASE("group: rows merged from two officers that break a group rule open a RULE conflict", "[reconcile][group]") {
  wardsync::forms_util::FormRegistry registry;
  auto form = wardsync::forms_util::ParseFormJson(kTally, "tally.json");
  REQUIRE(form.ok());
  REQUIRE(registry.Add(*form).ok());
  const auto rules = wardsync::reconcile::FormRules(registry);
  RecordState r;
  REQUIRE(wardsync::reconcile::Apply(r, Create({{"valid", Int(100)}}), S("c", 1, 100), 1, kNoLookup, rules).ok());
  // Each officer's rows alone keep sum <= 200; together they do not.
  REQUIRE(wardsync::reconcile::Apply(r, AddRow("ra", 1, "A", 90), S("a", 1, 200), 2, kNoLookup, rules).ok());
  REQUIRE(wardsync::reconcile::Apply(r, AddRow("rb", 2, "B", 80), S("a", 2, 210), 3, kNoLookup, rules).ok());
  CHECK(r.conflicts_size() == 0);
  auto out = wardsync::reconcile::Apply(r, AddRow("rc", 3, "C", 70), S("b", 1, 205), 4, kNoLookup, rules);
  REQUIRE(out.ok());
  REQUIRE(r.conflicts_size() == 1);
  const auto& c = r.conflicts(0);
  CHECK(c.kind() == wardsync::records::RULE);
  CHECK(c.problem() == "sum(candidates.votes) <= valid * 2 (two seats)");
  // The reviewer may set any row's votes or valid to fix it.
  std::vector<std::string> fields(c.fields().begin(), c.fields().end());
  CHECK(fields == std::vector<std::string>{"candidates[ra].votes", "candidates[rb].votes", "candidates[rc].votes", "valid"});
}

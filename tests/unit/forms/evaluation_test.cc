// Evaluate (common/forms/evaluation.h) on the election pack's new forms:
// repeat groups, conditions, computed fields, TIME, and problems with codes
// and English/Vietnamese text.
#include <catch2/catch.hpp>

#include "common/forms/evaluation.h"
#include "common/forms/field_path.h"
#include "common/forms/form_loader.h"
#include "common/forms/json_values.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"
#include "common/util/files.h"
#include "tests/unit/forms/forms_fixtures.h"

using Catch::Matchers::Contains;
using namespace wardsync::forms_util;
using wardsync::forms::FormDef;

namespace {

FormDef PackForm(const std::string& file) {
  std::string path = forms_test::ElectionPackDir() + "/" + file, json;
  REQUIRE(wardsync::util::ReadFile(path, &json).ok());
  auto form = ParseFormJson(json, path);
  REQUIRE(form.ok());
  return *form;
}

// The values of `json` as stored fields (what a new record would hold).
FieldMap Fields(const FormDef& form, const std::string& json) {
  auto texts = JsonToFieldTexts(form, json, nullptr);
  REQUIRE(texts.ok());
  FieldMap out;
  for (const auto& [name, text] : *texts) {
    const auto* field = ResolveField(form, name);
    REQUIRE(field != nullptr);
    auto v = ParseValue(form, *field, text);
    INFO(name << "=" << text);
    REQUIRE(v.ok());
    *out[name].mutable_value() = *v;
  }
  return out;
}

const Problem* Find(const FormEvaluation& e, const std::string& code) {
  for (const auto& p : e.problems) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

constexpr const char* kGoodTally = R"({
  "level": "quoc-hoi", "constituency": "1", "polling_area": "5", "seats": 2,
  "voters_listed": 1000, "voters_voted": 950, "ballots_issued": 950, "ballots_received": 948,
  "valid_ballots": 940, "invalid_ballots": 8, "counted_at": "21:40",
  "candidates": [{"_row": "a", "full_name": "Nguyễn Văn A", "votes": 700},
                 {"_row": "b", "full_name": "Trần Thị B", "votes": 650},
                 {"_row": "c", "full_name": "Lê Văn C", "votes": 400}]
})";

}  // namespace

TEST_CASE("tally-minutes: a correct record is valid, its turnout computed", "[forms][eval]") {
  const FormDef form = PackForm("tally-minutes.json");
  const FieldMap fields = Fields(form, kGoodTally);
  CHECK(fields.at("candidates[b]").value().integer() == 2);  // the row's position
  auto e = Evaluate(form, fields);
  INFO((e.problems.empty() ? "" : e.problems.front().en));
  CHECK(e.problems.empty());
  REQUIRE(e.computed.size() == 1);
  CHECK(e.computed[0].first == "turnout_percent");
  CHECK(e.computed[0].second.decimal() == Approx(95.0));
  bool row_listed = false;
  for (const auto& f : e.fields) row_listed = row_listed || (f.path == "candidates[c].votes" && f.required);
  CHECK(row_listed);
}

TEST_CASE("tally-minutes: each rule names its values, rows and label", "[forms][eval]") {
  const FormDef form = PackForm("tally-minutes.json");
  FieldMap f = Fields(form, kGoodTally);
  f["invalid_ballots"].mutable_value()->set_integer(9);  // 940 + 9 != 948
  auto e = Evaluate(form, f);
  REQUIRE(e.broken_rules.size() == 1);
  CHECK_THAT(e.problems.front().en,
             Contains("tally-minutes: rule \"valid_ballots + invalid_ballots = ballots_received\" fails: valid_ballots=940, "
                      "invalid_ballots=9, ballots_received=948 (Số phiếu hợp lệ cộng"));
  CHECK(e.problems.front().code == "rule_broken");
  CHECK_THAT(e.problems.front().vi, Contains("không thỏa"));

  f = Fields(form, kGoodTally);
  f["candidates[c].votes"].mutable_value()->set_integer(941);
  e = Evaluate(form, f);
  REQUIRE(e.broken_rules.size() == 2);  // 941 > valid, and the sum 2291 > 1880
  CHECK_THAT(e.broken_rules[0].message, Contains("rule \"candidates.votes <= valid_ballots\" fails for row 3 (c): "
                                                 "candidates.votes=941, valid_ballots=940"));
  CHECK(e.broken_rules[0].fields == std::vector<std::string>{"candidates[c].votes", "valid_ballots"});
  CHECK_THAT(e.broken_rules[1].message, Contains("sum(candidates.votes)=2291, valid_ballots=940, seats=2"));
  CHECK(ValidateRecordFields(form, f).message() == e.problems.front().en);
}

TEST_CASE("tally-minutes: rows within minRows/maxRows, computed fields not set", "[forms][eval]") {
  const FormDef form = PackForm("tally-minutes.json");
  FieldMap f = Fields(form, kGoodTally);
  for (const char* row : {"a", "b", "c"}) f[std::string("candidates[") + row + "]"].clear_value();  // rows removed
  auto e = Evaluate(form, f);
  const Problem* p = Find(e, "required");
  REQUIRE(p != nullptr);
  CHECK(p->field == "candidates");
  CHECK(p->vi == "tally-minutes: trường \"candidates\" là bắt buộc");

  f = Fields(form, kGoodTally);
  f["turnout_percent"].mutable_value()->set_decimal(50);
  e = Evaluate(form, f);
  CHECK(Find(e, "computed_set") != nullptr);

  f = Fields(form, kGoodTally);
  f["candidates[zz].votes"].mutable_value()->set_integer(5);  // a row without a marker: not a row
  CHECK(Evaluate(form, f).problems.empty());
  f["candidates[zz]"].mutable_value()->set_integer(4);  // now it is, and its name is missing
  e = Evaluate(form, f);
  p = Find(e, "required");
  REQUIRE(p != nullptr);
  CHECK(p->field == "candidates[zz].full_name");

  f = Fields(form, kGoodTally);
  f["counted_at"].mutable_value()->set_time("24:00");
  e = Evaluate(form, f);
  p = Find(e, "bad_time");
  REQUIRE(p != nullptr);
  CHECK(p->en == "tally-minutes: field \"counted_at\": \"24:00\" is not a time of day in the form HH:MM");
}

TEST_CASE("complaint v2: resolution fields apply and are required only once resolved", "[forms][eval]") {
  const FormDef form = PackForm("complaint-v2.json");
  const std::string open = R"({"received_date": "2021-04-01", "kind": "khieu-nai", "subject": "danh-sach-cu-tri",
    "complainant": "Ông A", "summary": "Thiếu tên", "status": "dang-xu-ly"})";
  FieldMap f = Fields(form, open);
  auto e = Evaluate(form, f);
  CHECK(e.problems.empty());
  for (const auto& st : e.fields) {
    if (st.path == "resolved_date") CHECK_FALSE(st.relevant);
  }
  f["resolution"].mutable_value()->set_text("Đã bổ sung");
  e = Evaluate(form, f);
  const Problem* p = Find(e, "not_relevant");
  REQUIRE(p != nullptr);
  CHECK(p->field == "resolution");

  f = Fields(form, open);
  f["status"].mutable_value()->set_choice("da-giai-quyet");
  e = Evaluate(form, f);
  p = Find(e, "required");
  REQUIRE(p != nullptr);
  CHECK(p->field == "resolved_date");
  f["resolved_date"].mutable_value()->set_date("2021-03-30");
  f["resolution"].mutable_value()->set_text("Đã bổ sung tên");
  e = Evaluate(form, f);
  REQUIRE(e.broken_rules.size() == 1);
  CHECK_THAT(e.broken_rules[0].message, Contains("resolved_date='2021-03-30', received_date='2021-04-01'"));
}

TEST_CASE("JSON values: groups as arrays, edits write only what differs", "[forms][eval]") {
  const FormDef form = PackForm("tally-minutes.json");
  const FieldMap current = Fields(form, kGoodTally);
  auto edit = JsonToFieldTexts(form, R"({"seats": 2, "candidates": [{"_row": "a", "votes": 701}, {"_row": "c"}]})", &current);
  REQUIRE(edit.ok());
  // seats unchanged, row a's votes changed, row b removed, row c moved to position 2.
  CHECK(*edit == NamedTexts{{"candidates[a].votes", "701"}, {"candidates[c]", "2"}, {"candidates[b]", ""}});

  auto bad = JsonToFieldTexts(form, R"({"candidates": [{"nme": "x"}]})", nullptr);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Contains("tally-minutes: field \"candidates\": row 1: unknown field \"nme\"; fields: full_name, votes"));
  CHECK_THAT(JsonToFieldTexts(form, "[1]", nullptr).status().message(), Contains("not a JSON object"));
  CHECK_THAT(JsonToFieldTexts(form, R"({"seats": 1e300})", nullptr).status().message(), Contains("beyond 2^53"));
  CHECK_THAT(JsonToFieldTexts(form, R"({"candidates": 3})", nullptr).status().message(), Contains("array of row objects"));
  CHECK_THAT(JsonToFieldTexts(form, R"({"candidates": [{"_row": "a b"}]})", nullptr).status().message(), Contains("\"_row\" must be"));
}

TEST_CASE("tally-minutes 2: the signed minutes' photo is checked inside the evaluation", "[forms][eval][attach]") {
  const FormDef form = PackForm("tally-minutes-v2.json");
  REQUIRE(form.version() == 2);
  FieldMap fields = Fields(form, kGoodTally);
  // Optional: the count is saved before the photo is taken.
  CHECK(Evaluate(form, fields).problems.empty());

  auto& photo = *fields["signed_minutes"].mutable_value()->mutable_attachment();
  photo.set_sha256(std::string(64, 'c'));
  photo.set_size(2'500'000);
  photo.set_media_type("image/jpeg");
  photo.set_name("bien-ban-kv5.jpg");
  auto good = Evaluate(form, fields);
  INFO((good.problems.empty() ? "" : good.problems.front().en));
  CHECK(good.problems.empty());
  CHECK(ValidateRecordFields(form, fields).ok());

  photo.set_size(11 * 1024 * 1024);  // over the field's 10 MiB
  auto big = Evaluate(form, fields);
  const Problem* p = Find(big, "bad_attachment");
  REQUIRE(p != nullptr);
  CHECK(p->field == "signed_minutes");
  CHECK_THAT(p->en, Contains("tally-minutes: field \"signed_minutes\": the attachment is 11534336 bytes"));
  CHECK_THAT(p->vi, Contains("tally-minutes: trường \"signed_minutes\": tệp đính kèm không hợp lệ"));

  photo.set_size(1000);
  photo.set_media_type("image/gif");
  CHECK(Find(Evaluate(form, fields), "bad_attachment") != nullptr);

  // The officer app's JSON gives the photo as an object.
  std::string json = kGoodTally;
  json.insert(1, R"("signed_minutes": {"sha256": ")" + std::string(64, 'd') +
                     R"(", "size": 4096, "media_type": "application/pdf", "name": "bien-ban.pdf"}, )");
  const FieldMap from_json = Fields(form, json);
  CHECK(from_json.at("signed_minutes").value().attachment().size() == 4096);
  CHECK(from_json.at("signed_minutes").value().attachment().name() == "bien-ban.pdf");
  CHECK(Evaluate(form, from_json).problems.empty());
  // An edit sending the stored photo back, its keys in any order, changes nothing.
  auto same = JsonToFieldTexts(form, R"({"signed_minutes": {"name": "bien-ban.pdf", "size": 4096, "sha256": ")" +
                                         std::string(64, 'd') + R"(", "media_type": "application/pdf"}})", &from_json);
  REQUIRE(same.ok());
  CHECK(same->empty());

  // A text where the photo belongs is the wrong kind of value.
  fields["signed_minutes"].mutable_value()->set_text("bien-ban.jpg");
  const FormEvaluation text_given = Evaluate(form, fields);
  const Problem* wrong = Find(text_given, "wrong_type");
  REQUIRE(wrong != nullptr);
  CHECK(wrong->en == "tally-minutes: field \"signed_minutes\": expected an attachment, got text");
}

TEST_CASE("evaluation with kept compiled expressions gives what a fresh one gives", "[forms][eval]") {
  const FormDef form = PackForm("tally-minutes.json");
  ExprCache kept;
  // A run of records, each evaluated with the kept expressions and afresh:
  // the same problems, broken rules and computed values every time.
  for (int64_t invalid : {8, 9, 8, 20, 8}) {
    FieldMap f = Fields(form, kGoodTally);
    f["invalid_ballots"].mutable_value()->set_integer(invalid);
    const FormEvaluation fresh = Evaluate(form, f);
    const FormEvaluation cached = Evaluate(form, f, &kept);
    INFO("invalid_ballots=" << invalid);
    REQUIRE(cached.problems.size() == fresh.problems.size());
    for (size_t i = 0; i < fresh.problems.size(); ++i) CHECK(cached.problems[i].en == fresh.problems[i].en);
    REQUIRE(cached.broken_rules.size() == fresh.broken_rules.size());
    REQUIRE(cached.computed.size() == fresh.computed.size());
    CHECK(cached.computed[0].second.SerializeAsString() == fresh.computed[0].second.SerializeAsString());
    CHECK(cached.problems.empty() == (invalid == 8));
  }
  // An expression that does not compile (a definition that bypassed the
  // publish check) is reported by every evaluation, not only the first.
  FormDef broken = form;
  broken.mutable_rules(0)->set_expr("valid_ballots +");
  ExprCache for_broken;
  for (int i = 0; i < 2; ++i) {
    auto e = Evaluate(broken, Fields(form, kGoodTally), &for_broken);
    REQUIRE(Find(e, "rule_error") != nullptr);
    CHECK_THAT(Find(e, "rule_error")->en, Contains("valid_ballots +"));
  }
}

namespace {

// Everything an evaluation reports, as text, to compare two of them.
std::string Described(const FormEvaluation& e) {
  std::string out;
  for (const auto& f : e.fields) out += "field " + f.path + (f.relevant ? " R" : "") + (f.required ? " Q" : "") + "\n";
  for (const auto& [path, v] : e.computed) out += "computed " + path + "=" + v.SerializeAsString() + "\n";
  for (const auto& p : e.problems) out += "problem " + p.code + ": " + p.en + "\n";
  for (const auto& b : e.broken_rules) out += "broken " + b.rule + "\n";
  return out;
}

}  // namespace

// Ingest evaluates a record made from scratch by a change whose field sets
// passed ValidateChangeFields against the same form with values_checked:
// for such a record (known names, valid values) the evaluation is the same.
TEST_CASE("evaluation of checked values gives what a full one gives", "[forms][eval]") {
  const FormDef form = PackForm("tally-minutes.json");
  ExprCache kept;
  FieldMap missing = Fields(form, kGoodTally);
  missing.erase("voters_listed");  // a required field left out
  FieldMap no_rows = Fields(form, kGoodTally);
  for (auto it = no_rows.begin(); it != no_rows.end();) it = it->first.find('[') != std::string::npos ? no_rows.erase(it) : std::next(it);
  for (int64_t invalid : {8, 9, 20}) {
    FieldMap f = Fields(form, kGoodTally);
    f["invalid_ballots"].mutable_value()->set_integer(invalid);  // 9, 20: rules broken
    for (const FieldMap* fields : {&f, &missing, &no_rows}) {
      const std::string full = Described(Evaluate(form, *fields, &kept));
      CHECK(Described(Evaluate(form, *fields, &kept, /*values_checked=*/true)) == full);
      CHECK(Described(Evaluate(form, *fields, nullptr, true)) == full);
    }
  }
  // What it vouches for is not looked for: an unknown name or a bad value
  // (which ValidateChangeFields refuses before ingest gets here).
  FieldMap unchecked = Fields(form, kGoodTally);
  unchecked["no_such_field"].mutable_value()->set_integer(1);
  unchecked["valid_ballots"].mutable_value()->set_integer(-1);
  CHECK(Find(Evaluate(form, unchecked), "unknown_field") != nullptr);
  CHECK(Find(Evaluate(form, unchecked, nullptr, true), "unknown_field") == nullptr);
  CHECK(Evaluate(form, unchecked).problems.size() > Evaluate(form, unchecked, nullptr, true).problems.size());
}

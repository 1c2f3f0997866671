#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "common/forms/form_loader.h"
#include "common/forms/validator.h"
#include "tests/unit/forms/forms_fixtures.h"

using forms_test::Field;
using wardsync::changes::Change;
using wardsync::changes::Value;
using wardsync::forms_util::ValidateChangeFields;
using wardsync::forms_util::ValidateRecordFields;
using wardsync::forms_util::ValidateValue;
using wardsync::records::FieldState;
using Catch::Matchers::Contains;

namespace {

Value Int(int64_t v) {
  Value out;
  out.set_integer(v);
  return out;
}

Value Text(const std::string& t) {
  Value out;
  out.set_text(t);
  return out;
}

Value Date(const std::string& d) {
  Value out;
  out.set_date(d);
  return out;
}

// A complete, valid voter-meeting record.
google::protobuf::Map<std::string, FieldState> GoodMeeting() {
  google::protobuf::Map<std::string, FieldState> fields;
  *fields["candidate"].mutable_value() = Text("Trần Thị Bích Ngọc");
  *fields["meeting_date"].mutable_value() = Date("2026-02-10");
  *fields["invited"].mutable_value() = Int(100);
  *fields["attended"].mutable_value() = Int(90);
  *fields["agree"].mutable_value() = Int(85);
  *fields["disagree"].mutable_value() = Int(5);
  return fields;
}

std::string Message(const wardsync::Status& st) {
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == wardsync::Status::Code::kInvalidArgument);
  return st.message();
}

}  // namespace

TEST_CASE("a value of the wrong kind is refused", "[forms]") {
  auto form = forms_test::VoterMeeting();
  CHECK(Message(ValidateValue(form, Field(form, "invited"), Text("100"))) ==
        "voter-meeting: field \"invited\": expected an integer, got text");
  CHECK_THAT(Message(ValidateValue(form, Field(form, "candidate"), Value())), Contains("expected text, got no value"));
  CHECK_THAT(Message(ValidateValue(form, Field(form, "meeting_date"), Int(1))), Contains("expected a date"));
}

TEST_CASE("range failures name the form, field and bound", "[forms]") {
  auto form = forms_test::VoterMeeting();
  CHECK(ValidateValue(form, Field(form, "invited"), Int(0)).ok());
  CHECK(Message(ValidateValue(form, Field(form, "invited"), Int(-3))) ==
        "voter-meeting: field \"invited\": -3 is below the minimum 0");

  auto all = forms_test::AllTypes();
  CHECK(Message(ValidateValue(all, Field(all, "count"), Int(INT64_MAX))) ==
        "all-types: field \"count\": 9223372036854775807 is above the maximum 10");
  Value d;
  d.set_decimal(-0.5);
  CHECK(Message(ValidateValue(all, Field(all, "ratio"), d)) == "all-types: field \"ratio\": -0.5 is below the minimum 0");
  d.set_decimal(NAN);
  CHECK_THAT(Message(ValidateValue(all, Field(all, "ratio"), d)), Contains("not a finite number"));
}

TEST_CASE("text length counts UTF-8 code points, not bytes", "[forms]") {
  auto all = forms_test::AllTypes();
  const auto& note = Field(all, "note");  // maxLength 5
  // "Người" is 5 characters and 9 bytes: allowed although longer than 5 bytes.
  CHECK(std::string("Người").size() > 5);
  CHECK(ValidateValue(all, note, Text("Người")).ok());
  CHECK(Message(ValidateValue(all, note, Text("Người ta"))) ==
        "all-types: field \"note\": the text is 8 characters long, the maximum is 5");
  CHECK_THAT(Message(ValidateValue(all, note, Text("\xC3\x28"))), Contains("not valid UTF-8"));
  CHECK_THAT(Message(ValidateValue(all, note, Text("\xE0\x80\xAF"))), Contains("not valid UTF-8"));  // overlong '/'
  CHECK_THAT(Message(ValidateValue(all, note, Text("\xED\xA0\x80"))), Contains("not valid UTF-8"));  // surrogate

  // maxLength 0 means the default of 2000 characters.
  const auto& long_note = Field(all, "long_note");
  std::string s;
  for (int i = 0; i < 2000; ++i) s += "ế";
  CHECK(ValidateValue(all, long_note, Text(s)).ok());
  CHECK_THAT(Message(ValidateValue(all, long_note, Text(s + "a"))), Contains("2001 characters long, the maximum is 2000"));
}

TEST_CASE("dates and choices are checked when stored", "[forms]") {
  auto all = forms_test::AllTypes();
  CHECK_THAT(Message(ValidateValue(all, Field(all, "day"), Date("2026-02-30"))), Contains("\"2026-02-30\" is not a real date"));
  Value c;
  c.set_choice("medium");
  CHECK(Message(ValidateValue(all, Field(all, "level"), c)) == "all-types: field \"level\": \"medium\" is not one of the choices");
  Value many;
  const std::string a = "a";
  many.mutable_choices()->add_values(a);  // a std::string: add_values(const char*) trips GCC 12's -Wrestrict
  many.mutable_choices()->add_values(a);
  CHECK_THAT(Message(ValidateValue(all, Field(all, "tags"), many)), Contains("\"a\" is chosen twice"));
}

TEST_CASE("a complete record passes; unknown and missing fields do not", "[forms]") {
  auto form = forms_test::VoterMeeting();
  auto fields = GoodMeeting();
  CHECK(ValidateRecordFields(form, fields).ok());

  auto unknown = fields;
  *unknown["foo"].mutable_value() = Int(1);
  CHECK(Message(ValidateRecordFields(form, unknown)) == "voter-meeting: unknown field \"foo\"");

  auto missing = fields;
  missing.erase("attended");
  missing.erase("agree");  // keep the sum rule from being the first failure
  CHECK(Message(ValidateRecordFields(form, missing)) == "voter-meeting: field \"attended\" is required");

  auto no_value = fields;
  no_value["invited"].clear_value();  // a FieldState without a value counts as missing
  CHECK(Message(ValidateRecordFields(form, no_value)) == "voter-meeting: field \"invited\" is required");

  auto empty_text = fields;
  *empty_text["candidate"].mutable_value() = Text("");
  CHECK(Message(ValidateRecordFields(form, empty_text)) == "voter-meeting: field \"candidate\" is required");

  auto bad_value = fields;
  *bad_value["invited"].mutable_value() = Int(-1);
  CHECK(Message(ValidateRecordFields(form, bad_value)) == "voter-meeting: field \"invited\": -1 is below the minimum 0");

  auto optional_empty = fields;
  optional_empty.erase("notes");
  optional_empty["agree"].clear_value();
  CHECK(ValidateRecordFields(form, optional_empty).ok());
}

TEST_CASE("cross-field rules name the rule, the values and the label", "[forms]") {
  auto form = forms_test::VoterMeeting();
  auto over = GoodMeeting();
  *over["attended"].mutable_value() = Int(120);
  over.erase("agree");
  std::string msg = Message(ValidateRecordFields(form, over));
  CHECK_THAT(msg, Contains("voter-meeting: rule \"attended <= invited\" fails: attended=120, invited=100"));
  CHECK_THAT(msg, Contains("Số cử tri tham dự không được lớn hơn số cử tri được mời."));

  auto sum = GoodMeeting();
  *sum["disagree"].mutable_value() = Int(6);  // 85 + 6 > 90
  CHECK_THAT(Message(ValidateRecordFields(form, sum)),
             Contains("rule \"agree + disagree <= attended\" fails: agree=85, disagree=6, attended=90"));

  // An empty count of the sum (min 0) adds nothing: the rest already breaks it.
  auto partial = GoodMeeting();
  partial.erase("disagree");
  *partial["agree"].mutable_value() = Int(1000000);
  CHECK_THAT(Message(ValidateRecordFields(form, partial)),
             Contains("rule \"agree + disagree <= attended\" fails: agree=1000000, disagree=(empty), attended=90"));
  partial["agree"].clear_value();
  CHECK(ValidateRecordFields(form, partial).ok());  // nothing of the sum filled in: nothing to compare


  // A sum beyond 64 bits is an evaluation error, reported as such (and the
  // rule counts as broken: the record goes to review).
  wardsync::forms::FormDef big;
  REQUIRE(big.ParseFromString(form.SerializeAsString()));
  for (auto& f : *big.mutable_fields()) f.clear_min();
  auto huge = GoodMeeting();
  *huge["agree"].mutable_value() = Int(INT64_MAX);
  *huge["disagree"].mutable_value() = Int(INT64_MAX);
  *huge["attended"].mutable_value() = Int(-1);
  *huge["invited"].mutable_value() = Int(-1);
  CHECK_THAT(Message(ValidateRecordFields(big, huge)),
             Contains("rule \"agree + disagree <= attended\" cannot be evaluated: overflow: 9223372036854775807 + "
                      "9223372036854775807 is beyond the 64-bit integer range"));
  CHECK(wardsync::forms_util::BrokenRules(big, huge).size() == 1);
}

TEST_CASE("changes set known fields once, with valid values", "[forms]") {
  auto form = forms_test::VoterMeeting();
  Change change;
  change.set_form_id("voter-meeting");
  change.set_form_version(1);
  auto* s1 = change.add_sets();
  s1->set_field("invited");
  *s1->mutable_value() = Int(100);
  auto* s2 = change.add_sets();
  s2->set_field("notes");  // no value: clears an optional field
  CHECK(ValidateChangeFields(form, change).ok());

  Change twice = change;
  *twice.add_sets() = *s1;
  CHECK(Message(ValidateChangeFields(form, twice)) == "voter-meeting: field \"invited\" is set twice in one change");

  Change unknown = change;
  unknown.add_sets()->set_field("foo");
  CHECK(Message(ValidateChangeFields(form, unknown)) == "voter-meeting: unknown field \"foo\"");

  Change clear_required = change;
  clear_required.add_sets()->set_field("attended");
  CHECK(Message(ValidateChangeFields(form, clear_required)) ==
        "voter-meeting: field \"attended\" is required and cannot be cleared");

  Change bad = change;
  auto* s3 = bad.add_sets();
  s3->set_field("attended");
  *s3->mutable_value() = Int(-5);
  CHECK(Message(ValidateChangeFields(form, bad)) == "voter-meeting: field \"attended\": -5 is below the minimum 0");

  Change other_version = change;
  other_version.set_form_version(2);
  CHECK_THAT(Message(ValidateChangeFields(form, other_version)), Contains("version 2"));
}

TEST_CASE("an empty value clears only in the field's own kind: empty text is no integer", "[forms]") {
  const auto form = forms_test::VoterMeeting();
  Change change;
  change.set_form_id(form.id());
  change.set_form_version(form.version());
  auto* s = change.add_sets();
  s->set_field("agree");  // optional INTEGER
  s->mutable_value()->set_text("");
  CHECK(Message(ValidateChangeFields(form, change)) == "voter-meeting: field \"agree\": expected an integer, got text");
  s->mutable_value()->mutable_choices();  // an empty choice list is no integer either
  CHECK_THAT(Message(ValidateChangeFields(form, change)), Contains("expected an integer"));
  s->clear_value();  // no value at all clears it
  CHECK(ValidateChangeFields(form, change).ok());
  s->set_field("notes");  // empty text in a TEXT field clears it
  s->mutable_value()->set_text("");
  CHECK(ValidateChangeFields(form, change).ok());
}

// Only a path with a row can be a row marker: ValidateChangeFields parses a
// field path only when it has one.
TEST_CASE("changes set a repeat group by its rows, and may clear a row marker", "[forms]") {
  auto form = wardsync::forms_util::ParseFormJson(R"({"id": "g", "version": 1, "fields": [
      {"name": "title", "type": "TEXT", "required": true},
      {"name": "rows", "type": "GROUP", "required": true,
       "fields": [{"name": "n", "type": "INTEGER", "required": true, "min": 0}]}]})",
                                                  "g.json");
  REQUIRE(form.ok());
  auto change_setting = [](const std::string& field, std::optional<Value> value) {
    Change c;
    c.set_form_id("g");
    c.set_form_version(1);
    auto* s = c.add_sets();
    s->set_field(field);
    if (value) *s->mutable_value() = *value;
    return c;
  };
  CHECK(ValidateChangeFields(*form, change_setting("rows[r1]", Int(1))).ok());
  CHECK(ValidateChangeFields(*form, change_setting("rows[r1].n", Int(3))).ok());
  // A row marker cleared removes the row, though the group is required.
  CHECK(ValidateChangeFields(*form, change_setting("rows[r1]", std::nullopt)).ok());
  CHECK(Message(ValidateChangeFields(*form, change_setting("rows", Int(1)))) ==
        "g: field \"rows\" is a repeat group: set its rows (\"rows[row]\" and \"rows[row].field\")");
  CHECK(Message(ValidateChangeFields(*form, change_setting("rows[r1].n", std::nullopt))) ==
        "g: field \"rows[r1].n\" is required and cannot be cleared");
  CHECK(Message(ValidateChangeFields(*form, change_setting("title", std::nullopt))) ==
        "g: field \"title\" is required and cannot be cleared");
  CHECK(Message(ValidateChangeFields(*form, change_setting("rows[r1", Int(1)))) == "g: unknown field \"rows[r1\"");
}

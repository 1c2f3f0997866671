#include <catch2/catch.hpp>

#include <cmath>

#include "common/forms/value_text.h"
#include "tests/unit/forms/forms_fixtures.h"

using forms_test::Field;
using wardsync::changes::Value;
using wardsync::forms_util::AppendValueJson;
using wardsync::forms_util::FormatValue;
using wardsync::forms_util::ParseValue;
using Catch::Matchers::Contains;

namespace {

const wardsync::forms::FormDef& Form() {
  static const auto form = forms_test::AllTypes();
  return form;
}

Value Parsed(const std::string& field, const std::string& text) {
  auto v = ParseValue(Form(), Field(Form(), field), text);
  INFO(field << "=" << text << ": " << v.status().message());
  REQUIRE(v.ok());
  return *v;
}

std::string Refused(const std::string& field, const std::string& text) {
  auto v = ParseValue(Form(), Field(Form(), field), text);
  INFO(field << "=" << text);
  REQUIRE_FALSE(v.ok());
  return v.status().message();
}

std::string Json(const Value& v) {
  std::string out;
  AppendValueJson(v, &out);
  return out;
}

}  // namespace

TEST_CASE("integers parse within int64 and the field's range", "[forms]") {
  CHECK(Parsed("count", "7").integer() == 7);
  CHECK(Parsed("count", "-10").integer() == -10);
  CHECK(Parsed("count", "+3").integer() == 3);
  CHECK(Refused("count", "abc") == "all-types: field \"count\": \"abc\" is not an integer");
  for (const char* bad : {"", " 1", "1 ", "1.0", "1e3", "0x10", "1,000", "--1", "+-1"}) {
    CHECK_THAT(Refused("count", bad), Contains("is not an integer"));
  }
  CHECK_THAT(Refused("count", "99999999999999999999"), Contains("out of the integer range"));
  CHECK(Refused("count", "11") == "all-types: field \"count\": 11 is above the maximum 10");
  CHECK(Refused("count", "-11") == "all-types: field \"count\": -11 is below the minimum -10");
}

TEST_CASE("the voter-meeting example message", "[forms]") {
  auto form = forms_test::VoterMeeting();
  auto bad = ParseValue(form, Field(form, "invited"), "abc");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "voter-meeting: field \"invited\": \"abc\" is not an integer");
  auto negative = ParseValue(form, Field(form, "invited"), "-3");
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.status().message() == "voter-meeting: field \"invited\": -3 is below the minimum 0");
}

TEST_CASE("decimals parse as finite numbers", "[forms]") {
  CHECK(Parsed("ratio", "0.5").decimal() == 0.5);
  CHECK(Parsed("ratio", "1.5").decimal() == 1.5);
  CHECK(Parsed("ratio", "15e-1").decimal() == 1.5);
  CHECK(Parsed("ratio", ".25").decimal() == 0.25);
  for (const char* bad : {"", "abc", "inf", "nan", "0x1p1", "1e999", "1.0.0", "1e"}) {
    CHECK_THAT(Refused("ratio", bad), Contains("is not a number"));
  }
  CHECK_THAT(Refused("ratio", "0,5"), Contains("use '.' as the decimal point"));
  CHECK(Refused("ratio", "1.6") == "all-types: field \"ratio\": 1.6 is above the maximum 1.5");
}

TEST_CASE("text is taken as is but must be valid UTF-8 and short enough", "[forms]") {
  CHECK(Parsed("note", " Có ").text() == " Có ");
  CHECK(Parsed("note", "").text().empty());
  CHECK_THAT(Refused("note", "a\xff"), Contains("field \"note\": the text is not valid UTF-8"));
  CHECK_THAT(Refused("note", "Nguyễn"), Contains("6 characters long, the maximum is 5"));
}

TEST_CASE("booleans in English, digits and Vietnamese", "[forms]") {
  for (const char* yes : {"true", "TRUE", "yes", "Yes", "1", "có", "Có", "CÓ", "co\xCC\x81"}) {
    INFO(yes);
    CHECK(Parsed("flag", yes).boolean());
  }
  for (const char* no : {"false", "no", "NO", "0", "không", "Không", "KHÔNG", "kho\xCC\x82ng"}) {
    INFO(no);
    CHECK_FALSE(Parsed("flag", no).boolean());
  }
  for (const char* bad : {"", "maybe", "co", "khong", "2", "y"}) {
    CHECK_THAT(Refused("flag", bad), Contains("is not a yes/no value"));
  }
}

TEST_CASE("dates must be real calendar days as YYYY-MM-DD", "[forms]") {
  CHECK(Parsed("day", "2026-03-15").date() == "2026-03-15");
  CHECK(Parsed("day", "2024-02-29").date() == "2024-02-29");
  CHECK(Parsed("day", "2000-02-29").date() == "2000-02-29");
  for (const char* bad : {"2025-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
                          "0000-01-01", "2026-3-15", "15/03/2026", "2026-03-15T00:00", ""}) {
    INFO(bad);
    CHECK_THAT(Refused("day", bad), Contains("is not a real date in the form YYYY-MM-DD"));
  }
}

TEST_CASE("single and multiple choices", "[forms]") {
  CHECK(Parsed("level", "high").choice() == "high");
  CHECK(Refused("level", "medium") == "all-types: field \"level\": \"medium\" is not one of: low, high");

  auto tags = Parsed("tags", "c, a");
  REQUIRE(tags.choices().values_size() == 2);
  CHECK(tags.choices().values(0) == "c");
  CHECK(tags.choices().values(1) == "a");
  CHECK(Parsed("tags", "b").choices().values_size() == 1);
  CHECK_THAT(Refused("tags", "a,a"), Contains("\"a\" is listed twice"));
  CHECK_THAT(Refused("tags", "a,d"), Contains("\"d\" is not one of: a, b, c"));
  CHECK_THAT(Refused("tags", "a,"), Contains("is not one of"));
  CHECK_THAT(Refused("tags", ""), Contains("expected one or more of"));
}

TEST_CASE("values format back to text that parses to the same value", "[forms]") {
  const std::pair<const char*, const char*> samples[] = {
      {"count", "-7"}, {"ratio", "0.1"}, {"note", "Huế"}, {"flag", "có"}, {"day", "2026-03-15"}, {"level", "low"}, {"tags", "a,c"}};
  for (const auto& [field, text] : samples) {
    Value v = Parsed(field, text);
    Value again = Parsed(field, FormatValue(v));
    CHECK(again.SerializeAsString() == v.SerializeAsString());
  }
  CHECK(FormatValue(Parsed("flag", "có")) == "true");
  CHECK(FormatValue(Parsed("ratio", "0.1")) == "0.1");
  CHECK(FormatValue(Parsed("ratio", "1.0")) == "1");
  CHECK(FormatValue(Parsed("tags", "a, c")) == "a,c");
  CHECK(FormatValue(Value()) == "");
}

TEST_CASE("values as JSON", "[forms]") {
  CHECK(Json(Parsed("count", "-7")) == "-7");
  CHECK(Json(Parsed("ratio", "0.25")) == "0.25");
  CHECK(Json(Parsed("note", "\"ồ\"")) == "\"\\\"ồ\\\"\"");
  CHECK(Json(Parsed("flag", "no")) == "false");
  CHECK(Json(Parsed("day", "2026-03-15")) == "\"2026-03-15\"");
  CHECK(Json(Parsed("level", "low")) == "\"low\"");
  CHECK(Json(Parsed("tags", "b,a")) == "[\"b\",\"a\"]");
  CHECK(Json(Value()) == "null");
  Value inf;
  inf.set_decimal(INFINITY);
  CHECK(Json(inf) == "null");
  Value none;
  none.mutable_choices();
  CHECK(Json(none) == "[]");
}

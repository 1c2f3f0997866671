// Date arithmetic and if() in the form language (common/forms/expr): the
// types the checker gives and refuses, days across leap years and month and
// year ends, dates pushed outside 0001-9999 or integers past 64 bits as
// evaluation errors, and the calendar (common/forms/calendar_date.h) checked
// against a plain day-by-day walk and against itself on random days.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "common/forms/calendar_date.h"
#include "common/forms/form_check.h"
#include "tests/unit/forms/expr_fixtures.h"

using Catch::Matchers::Contains;
using namespace wardsync::forms_util;
using wardsync::forms::FormDef;

namespace {

constexpr const char* kFormJson = R"({
  "id": "date-test", "version": 1,
  "fields": [
    {"name": "received", "type": "DATE"},
    {"name": "resolved", "type": "DATE"},
    {"name": "days", "type": "INTEGER"},
    {"name": "x", "type": "DECIMAL"},
    {"name": "at", "type": "TIME"},
    {"name": "t", "type": "TEXT"},
    {"name": "urgent", "type": "BOOLEAN"},
    {"name": "subject", "type": "SINGLE_CHOICE", "choices": [{"value": "voters"}, {"value": "other"}]}
  ]
})";

const FormDef& Form() {
  static const FormDef form = expr_test::ParseForm(kFormJson, "date-test.json");
  return form;
}

std::string CompileError(const std::string& text, expr::Want want = expr::Want::kAny) {
  return expr_test::CompileError(Form(), text, want);
}

// The type the checker gives `text`.
std::string TypeOf(const std::string& text) {
  auto e = expr::Compile(Form(), text, expr::Want::kAny);
  REQUIRE(e.ok());
  return expr::TypeName(e->root->type);
}

std::string Eval(const std::string& text, const FieldMap& fields = {}) { return expr_test::Eval(Form(), text, fields); }

FieldMap Dates(const std::string& received, const std::string& resolved = "") {
  FieldMap f;
  f["received"].mutable_value()->set_date(received);
  if (!resolved.empty()) f["resolved"].mutable_value()->set_date(resolved);
  return f;
}

std::string Plus(const std::string& date, int64_t days) {
  return Eval("received + " + std::to_string(days), Dates(date));
}

}  // namespace

TEST_CASE("expr dates: types of date arithmetic and if()", "[forms][expr]") {
  CHECK(TypeOf("received + 5") == "a date");
  CHECK(TypeOf("5 + received") == "a date");
  CHECK(TypeOf("received - days") == "a date");
  CHECK(TypeOf("resolved - received") == "an integer");
  CHECK(TypeOf("received - '2021-05-01'") == "an integer");
  CHECK(TypeOf("'2021-05-23' - received") == "an integer");
  CHECK(TypeOf("if(urgent, 1, 2)") == "an integer");
  CHECK(TypeOf("if(urgent, 1, 2.5)") == "a decimal number");
  CHECK(TypeOf("if(urgent, received, '2021-05-01')") == "a date");
  CHECK(TypeOf("if(urgent, 'voters', subject)") == "a choice");
  CHECK(TypeOf("if(urgent, 'a', 'b')") == "text");
  CHECK(TypeOf("received + if(selected(subject, 'voters'), 5, 10)") == "a date");
  CHECK(CompileError("resolved <= received + 10", expr::Want::kBoolean) == "(compiled)");
  CHECK(CompileError("received + 10 >= '2021-05-01'", expr::Want::kBoolean) == "(compiled)");
  CHECK(CompileError("if(urgent, resolved - received <= 5, true)", expr::Want::kBoolean) == "(compiled)");
}

TEST_CASE("expr dates: parse and type errors name the position and the types", "[forms][expr]") {
  CHECK_THAT(CompileError("received + 2.5"), Contains("at position 10: '+' takes a date and a whole number of days, got a date and a decimal number"));
  CHECK_THAT(CompileError("received + resolved"), Contains("'+' takes a date and a whole number of days, got a date and a date"));
  CHECK_THAT(CompileError("days - received"), Contains("'-' takes a date and a whole number of days, or two dates, got an integer and a date"));
  CHECK_THAT(CompileError("received - at"), Contains("got a date and a time"));
  CHECK_THAT(CompileError("received * 2"), Contains("'*' takes numbers on both sides, got a date and an integer"));
  CHECK_THAT(CompileError("-received"), Contains("'-' takes a number, got a date"));
  CHECK_THAT(CompileError("received - '2021-02-30'"), Contains("'2021-02-30' is not a date YYYY-MM-DD"));
  CHECK_THAT(CompileError("received - 'soon'"), Contains("'soon' is not a date"));
  CHECK_THAT(CompileError("received + 99999999999999999999"), Contains("too large (integers are 64-bit)"));
  CHECK_THAT(CompileError("received +"), Contains("at position 11: expected a value, got end of the expression"));
  CHECK_THAT(CompileError("if(urgent, 1)"), Contains("if() takes 3 arguments, got 2"));
  CHECK_THAT(CompileError("if(urgent, 1, 2, 3)"), Contains("if() takes 3 arguments, got 4"));
  CHECK_THAT(CompileError("if(days, 1, 2)"), Contains("if() takes a condition (true/false) first, got an integer"));
  CHECK_THAT(CompileError("if(urgent, 1, received)"), Contains("at position 1: if() takes two branches of one type, got an integer and a date"));
  CHECK_THAT(CompileError("if(urgent, t, 1)"), Contains("got text and an integer"));
  CHECK_THAT(CompileError("if(urgent, received, 'tomorrow')"), Contains("'tomorrow' is not a date YYYY-MM-DD"));
  CHECK_THAT(CompileError("if(urgent, subject, 'neither')"), Contains("'neither' is not one of the choices of \"subject\""));
  CHECK_THAT(CompileError("if(urgent, 1, 2)", expr::Want::kBoolean), Contains("must be true/false"));
  CHECK_THAT(CompileError("today() > received", expr::Want::kBoolean), Contains("unknown function today() (there are sum, count, selected and if)"));
}

TEST_CASE("expr dates: a type error at publish names the form, the field or rule, and the types", "[forms][expr]") {
  FormDef bad = Form();
  auto* due = bad.add_fields();
  due->set_name("due");
  due->set_type(wardsync::forms::FieldDef::DATE);
  due->set_compute("received - resolved");
  auto st = CheckFormDef(bad, "date-test.json");
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.message(), Contains("form \"date-test\""));
  CHECK_THAT(st.message(), Contains("field \"due\": compute \"received - resolved\" gives an integer, the field holds a date"));

  FormDef rule = Form();
  auto* r = rule.add_rules();
  r->set_expr("resolved <= received + 2.5");
  r->set_label("Giải quyết đúng hạn");
  st = CheckFormDef(rule, "date-test.json");
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.message(), Contains("form \"date-test\""));
  CHECK_THAT(st.message(), Contains("rule #1 \"resolved <= received + 2.5\" (Giải quyết đúng hạn)"));
  CHECK_THAT(st.message(), Contains("got a date and a decimal number"));

  FormDef good = Form();
  due = good.add_fields();
  due->set_name("due");
  due->set_type(wardsync::forms::FieldDef::DATE);
  due->set_compute("received + if(selected(subject, 'voters'), 5, 10)");
  CHECK(CheckFormDef(good, "date-test.json").ok());
}

TEST_CASE("expr dates: leap years, month and year ends", "[forms][expr]") {
  CHECK(Plus("2020-02-28", 1) == "'2020-02-29'");
  CHECK(Plus("2020-02-28", 2) == "'2020-03-01'");
  CHECK(Plus("2021-02-28", 1) == "'2021-03-01'");
  CHECK(Plus("2000-02-28", 1) == "'2000-02-29'");  // divisible by 400: leap
  CHECK(Plus("1900-02-28", 1) == "'1900-03-01'");  // divisible by 100 only: not leap
  CHECK(Plus("2024-02-29", 365) == "'2025-02-28'");
  CHECK(Plus("2021-01-31", 1) == "'2021-02-01'");
  CHECK(Plus("2021-04-30", 1) == "'2021-05-01'");
  CHECK(Plus("2021-12-31", 1) == "'2022-01-01'");
  CHECK(Plus("2022-01-01", -1) == "'2021-12-31'");
  CHECK(Plus("2021-05-14", 0) == "'2021-05-14'");
  CHECK(Eval("received - 10", Dates("2021-03-05")) == "'2021-02-23'");
  CHECK(Eval("received - -10", Dates("2021-02-23")) == "'2021-03-05'");
  CHECK(Eval("3 + received", Dates("2020-12-30")) == "'2021-01-02'");
  CHECK(Eval("resolved - received", Dates("2020-02-01", "2020-03-01")) == "29");
  CHECK(Eval("resolved - received", Dates("2021-02-01", "2021-03-01")) == "28");
  CHECK(Eval("resolved - received", Dates("2000-01-01", "2001-01-01")) == "366");
  CHECK(Eval("resolved - received", Dates("1900-01-01", "1901-01-01")) == "365");
  CHECK(Eval("resolved - received", Dates("2021-05-23", "2021-05-14")) == "-9");  // negative: resolved first
  CHECK(Eval("received - '2021-05-23'", Dates("2021-05-14")) == "-9");
  CHECK(Eval("'2021-05-23' - received", Dates("2021-05-14")) == "9");
  CHECK(Eval("resolved - received", Dates("0001-01-01", "9999-12-31")) == "3652058");
  CHECK(Eval("resolved <= received + 5", Dates("2021-05-14", "2021-05-19")) == "true");
  CHECK(Eval("resolved <= received + 5", Dates("2021-05-14", "2021-05-20")) == "false");
}

TEST_CASE("expr dates: outside 0001-9999 and past 64 bits are evaluation errors", "[forms][expr]") {
  CHECK(Plus("9999-12-31", 0) == "'9999-12-31'");
  CHECK_THAT(Plus("9999-12-31", 1), Contains("error: date out of range: '9999-12-31' + 1 days is outside the years 0001-9999"));
  CHECK(Plus("0001-01-01", 0) == "'0001-01-01'");
  CHECK_THAT(Plus("0001-01-01", -1), Contains("outside the years 0001-9999"));
  CHECK_THAT(Eval("received - 1", Dates("0001-01-01")), Contains("'0001-01-01' - 1 days is outside"));
  const std::string max = "9223372036854775807";
  CHECK_THAT(Eval("received + " + max, Dates("2021-05-14")), Contains("outside the years 0001-9999"));
  CHECK_THAT(Eval("received - " + max, Dates("2021-05-14")), Contains("outside the years 0001-9999"));
  CHECK_THAT(Eval(max + " + received", Dates("2021-05-14")), Contains("outside the years 0001-9999"));
  // -max - 1 is the smallest int64: subtracting it overflows on the way.
  CHECK_THAT(Eval("received - (-" + max + " - 1)", Dates("1970-01-01")), Contains("outside the years 0001-9999"));
  FieldMap huge = Dates("2021-05-14");
  huge["days"].mutable_value()->set_integer(INT64_MIN);
  CHECK_THAT(Eval("received + days", huge), Contains("outside the years 0001-9999"));
  CHECK_THAT(Eval("received - days", huge), Contains("outside the years 0001-9999"));
  // The error is at the operator, in the expression's own words.
  CHECK_THAT(Plus("9999-12-31", 1), Contains("at position 10 of \"received + 1\""));
}

TEST_CASE("expr dates: empty values and if() evaluate only the branch taken", "[forms][expr]") {
  CHECK(Eval("received + 5") == "unknown");
  CHECK(Eval("resolved - received", Dates("2021-05-14")) == "unknown");
  CHECK(Eval("received + days", Dates("2021-05-14")) == "unknown");
  CHECK(Eval("if(urgent, 1, 2)") == "unknown");
  FieldMap f = Dates("2021-05-14");
  f["subject"].mutable_value()->set_choice("voters");
  CHECK(Eval("received + if(selected(subject, 'voters'), 5, 10)", f) == "'2021-05-19'");
  f["subject"].mutable_value()->set_choice("other");
  CHECK(Eval("received + if(selected(subject, 'voters'), 5, 10)", f) == "'2021-05-24'");
  f["days"].mutable_value()->set_integer(0);
  f["x"].mutable_value()->set_decimal(3);
  CHECK(Eval("if(days != 0, x / days, 0)", f) == "0");  // the division is never made
  CHECK_THAT(Eval("if(days = 0, x / days, 0)", f), Contains("division by zero"));
  f["urgent"].mutable_value()->set_boolean(false);
  CHECK(Eval("if(urgent, received, '2021-06-01')", f) == "'2021-06-01'");
  CHECK(Eval("if(urgent, 1, 2.5)", f) == "2.5");
}

TEST_CASE("calendar: day numbers against a day-by-day walk and round trips on random days", "[forms][calendar]") {
  CHECK(DayNumber("1970-01-01") == 0);
  CHECK(DayNumber("0001-01-01") == kFirstDayNumber);
  CHECK(DayNumber("9999-12-31") == kLastDayNumber);
  CHECK_FALSE(DateOfDay(kFirstDayNumber - 1));
  CHECK_FALSE(DateOfDay(kLastDayNumber + 1));
  CHECK_FALSE(DateOfDay(INT64_MAX));
  CHECK_FALSE(DateOfDay(INT64_MIN));
  CHECK_FALSE(DayNumber("2021-02-29"));
  CHECK_FALSE(DayNumber("0000-01-01"));
  // Every day of 1899-2101 in order: the next day number is the next real day.
  int64_t n = *DayNumber("1899-01-01");
  int y = 1899, m = 1, d = 1;
  auto leap = [](int yr) { return (yr % 4 == 0 && yr % 100 != 0) || yr % 400 == 0; };
  const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  while (y <= 2101) {
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
    if (DayNumber(text) != n || DateOfDay(n) != std::string(text)) FAIL("day " << n << " is not " << text);
    ++n;
    if (++d > month_days[m - 1] + (m == 2 && leap(y) ? 1 : 0)) {
      d = 1;
      if (++m > 12) m = 1, ++y;
    }
  }
  std::mt19937_64 rng(20210523);
  std::uniform_int_distribution<int64_t> any_day(kFirstDayNumber, kLastDayNumber);
  std::uniform_int_distribution<int64_t> step(-40000, 40000);
  for (int i = 0; i < 20000; ++i) {
    const int64_t day = any_day(rng);
    const auto text = DateOfDay(day);
    REQUIRE(text);
    REQUIRE(IsCalendarDate(*text));
    REQUIRE(DayNumber(*text) == day);
    // The engine's arithmetic agrees with the day numbers.
    const int64_t k = step(rng);
    const auto expected = DateOfDay(day + k);
    const std::string got = Plus(*text, k);
    if (expected) {
      REQUIRE(got == "'" + *expected + "'");
    } else {
      REQUIRE_THAT(got, Contains("outside the years 0001-9999"));
    }
  }
}

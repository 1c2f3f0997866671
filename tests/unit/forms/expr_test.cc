// The form language (common/forms/expr): parse errors with positions, type
// errors, evaluation with empty values, overflow and division by zero, and
// bounded nesting.
#include <catch2/catch.hpp>

#include <string>

#include "common/forms/expr/check.h"
#include "common/forms/expr/eval.h"
#include "common/forms/expr/parser.h"
#include "common/forms/form_loader.h"
#include "tests/unit/forms/expr_fixtures.h"

using Catch::Matchers::Contains;
using namespace wardsync::forms_util;
using wardsync::forms::FormDef;

namespace {

constexpr const char* kFormJson = R"({
  "id": "expr-test", "version": 1,
  "fields": [
    {"name": "a", "type": "INTEGER", "min": 0},
    {"name": "b", "type": "INTEGER", "min": 0},
    {"name": "c", "type": "INTEGER"},
    {"name": "x", "type": "DECIMAL"},
    {"name": "t", "type": "TEXT"},
    {"name": "ok", "type": "BOOLEAN"},
    {"name": "day", "type": "DATE"},
    {"name": "at", "type": "TIME"},
    {"name": "status", "type": "SINGLE_CHOICE", "choices": [{"value": "open"}, {"value": "resolved"}]},
    {"name": "tags", "type": "MULTIPLE_CHOICE", "choices": [{"value": "p"}, {"value": "q"}]},
    {"name": "rows", "type": "GROUP", "fields": [{"name": "n", "type": "INTEGER", "min": 0}, {"name": "w", "type": "DECIMAL"}]}
  ]
})";

FormDef Form() { return expr_test::ParseForm(kFormJson, "expr-test.json"); }

std::string CompileError(const std::string& text, expr::Want want = expr::Want::kBoolean) {
  static const FormDef form = Form();
  return expr_test::CompileError(form, text, want);
}

struct Record {
  FieldMap fields;
  Record& Int(const std::string& name, int64_t v) {
    fields[name].mutable_value()->set_integer(v);
    return *this;
  }
  Record& Dec(const std::string& name, double v) {
    fields[name].mutable_value()->set_decimal(v);
    return *this;
  }
  Record& Text(const std::string& name, const std::string& v) {
    fields[name].mutable_value()->set_text(v);
    return *this;
  }
  Record& Choice(const std::string& name, const std::string& v) {
    fields[name].mutable_value()->set_choice(v);
    return *this;
  }
  Record& Time(const std::string& name, const std::string& v) {
    fields[name].mutable_value()->set_time(v);
    return *this;
  }
};

std::string Eval(const std::string& text, const Record& r) {
  static const FormDef form = Form();
  return expr_test::Eval(form, text, r.fields);
}

}  // namespace

TEST_CASE("expr: parse errors name the position", "[forms][expr]") {
  CHECK_THAT(CompileError(""), Contains("empty"));
  CHECK_THAT(CompileError("a <="), Contains("at position 5: expected a value, got end of the expression"));
  CHECK_THAT(CompileError("a <= b <= c"), Contains("at position 8: comparisons do not chain"));
  CHECK_THAT(CompileError("(a + b"), Contains("at position 7: expected ')'"));
  CHECK_THAT(CompileError("a # b"), Contains("at position 3: unexpected character '#'"));
  CHECK_THAT(CompileError("A <= b"), Contains("at position 1: unexpected character 'A'"));
  CHECK_THAT(CompileError("a ! b"), Contains("at position 3"));
  CHECK_THAT(CompileError("t = 'open"), Contains("not closed"));
  CHECK_THAT(CompileError("a <= b c"), Contains("at position 8: unexpected 'c'"));
  CHECK_THAT(CompileError("a.b.c = 1"), Contains("at most one '.'"));
  CHECK_THAT(CompileError("1a <= b"), Contains("at position 1: a number runs into a"));
}

TEST_CASE("expr: type errors", "[forms][expr]") {
  CHECK_THAT(CompileError("nope <= a"), Contains("at position 1: unknown field \"nope\""));
  CHECK_THAT(CompileError("a + t <= b"), Contains("'+' takes numbers on both sides, got an integer and text"));
  CHECK_THAT(CompileError("a and b"), Contains("and takes true/false"));
  CHECK_THAT(CompileError("not a"), Contains("not takes true/false, got an integer"));
  CHECK_THAT(CompileError("a + b"), Contains("must be true/false"));
  CHECK_THAT(CompileError("t < 'x'"), Contains("cannot compare"));
  CHECK_THAT(CompileError("status = 'closed'"), Contains("'closed' is not one of the choices of \"status\""));
  CHECK_THAT(CompileError("day > '2021-02-30'"), Contains("not a date"));
  CHECK_THAT(CompileError("at > '25:00'"), Contains("not a time"));
  CHECK_THAT(CompileError("tags = 'p'"), Contains("selected(field, 'value')"));
  CHECK_THAT(CompileError("selected(a, 'p')"), Contains("selected() takes a choice field"));
  CHECK_THAT(CompileError("selected(tags, 'z')"), Contains("'z' is not one of the choices"));
  CHECK_THAT(CompileError("sum(a) > 0"), Contains("sum() takes a field of a repeat group"));
  CHECK_THAT(CompileError("count(a) > 0"), Contains("count() takes a repeat group, \"a\" is an integer"));
  CHECK_THAT(CompileError("rows > 0"), Contains("is a repeat group: use count(rows)"));
  CHECK_THAT(CompileError("rows.zz > 0"), Contains("has no field \"zz\""));
  CHECK_THAT(CompileError("a.n > 0"), Contains("\"a\" is not a repeat group"));
  CHECK_THAT(CompileError("max(a) > 0"), Contains("unknown function max()"));
  CHECK_THAT(CompileError("count(rows, a) > 0"), Contains("count() takes 1 argument, got 2"));
  CHECK(CompileError("a + b <= c and (not ok or selected(tags, 'q')) and status != 'open'") == "(compiled)");
  CHECK(CompileError("sum(rows.n) <= a * 2 and count(rows) >= 1 and sum(rows.w) < x / 3") == "(compiled)");
  CHECK(CompileError("rows.n <= a") == "(compiled)");
  CHECK(CompileError("at >= '07:00' and day = '2021-05-23'") == "(compiled)");
  CHECK(CompileError("a + b", expr::Want::kAny) == "(compiled)");
}

TEST_CASE("expr: evaluation, including empty fields", "[forms][expr]") {
  Record r;
  r.Int("a", 7).Int("b", 5).Int("c", 12).Dec("x", 2.5).Choice("status", "resolved").Time("at", "07:30");
  CHECK(Eval("a + b = c", r) == "true");
  CHECK(Eval("a - b * 2", r) == "-3");
  CHECK(Eval("(a - b) * 2", r) == "4");
  CHECK(Eval("a / 2", r) == "3.5");
  CHECK(Eval("x * 2 + a", r) == "12");
  CHECK(Eval("selected(status, 'resolved') and not (a > b and false)", r) == "true");
  CHECK(Eval("at >= '07:00' and at < '08:00'", r) == "true");
  CHECK(Eval("-a", r) == "-7");
  Record partial;
  partial.Int("a", 1000).Int("c", 90);
  CHECK(Eval("a + b <= c", partial) == "false");  // b empty with min 0: at least 1000
  CHECK(Eval("b <= c", partial) == "unknown");
  CHECK(Eval("b + b <= c", partial) == "unknown");  // nothing of the sum filled in
  CHECK(Eval("a + c <= x", partial) == "unknown");
  CHECK(Eval("b > 1 or a > 1", partial) == "true");
  CHECK(Eval("b > 1 and a > 10000", partial) == "false");
  CHECK(Eval("selected(status, 'open')", partial) == "false");
  CHECK(Eval("sum(rows.n)", partial) == "0");
  CHECK(Eval("count(rows)", partial) == "0");
}

TEST_CASE("expr: division by zero and overflow are evaluation errors", "[forms][expr]") {
  Record r;
  r.Int("a", INT64_MAX).Int("b", 0).Int("c", INT64_MIN).Dec("x", 1e308);
  CHECK_THAT(Eval("a / b", r), Contains("error: division by zero at position 3 of \"a / b\""));
  CHECK_THAT(Eval("x / (b * 1.0)", r), Contains("division by zero"));
  CHECK_THAT(Eval("a + 1", r), Contains("error: overflow: 9223372036854775807 + 1 is beyond the 64-bit integer range"));
  CHECK_THAT(Eval("c - 1", r), Contains("error: overflow"));
  CHECK_THAT(Eval("a * 2", r), Contains("error: overflow"));
  CHECK_THAT(Eval("-c", r), Contains("error: overflow"));
  CHECK_THAT(Eval("x * 10", r), Contains("error: overflow"));
  CHECK(Eval("a - 1", r) == "9223372036854775806");
  CHECK(Eval("b = 0 or a / b > 1", r) == "true");  // or stops at the first true
  // Huge literals.
  CHECK(CompileError("a <= 9223372036854775807") == "(compiled)");
  CHECK_THAT(CompileError("a <= 9223372036854775808"), Contains("too large"));
  CHECK_THAT(CompileError("a <= 99999999999999999999999999"), Contains("too large"));
  // Exact comparison of large integers (no rounding through double).
  Record big;
  big.Int("a", INT64_MAX).Int("c", INT64_MAX - 1);
  CHECK(Eval("a > c", big) == "true");
}

TEST_CASE("expr: nesting is bounded and long texts are refused", "[forms][expr]") {
  std::string ok = std::string(30, '(') + "a" + std::string(30, ')') + " > 0";
  CHECK(CompileError(ok) == "(compiled)");
  std::string deep = std::string(1000, '(') + "a" + std::string(1000, ')') + " > 0";
  CHECK_THAT(CompileError(deep), Contains("nested more than"));
  std::string nots;
  for (int i = 0; i < 1000; ++i) nots += "not ";
  CHECK_THAT(CompileError(nots + "ok"), Contains("nested more than"));
  std::string minus(1000, '-');
  CHECK_THAT(CompileError(minus + "a > 0"), Contains("nested more than"));
  std::string calls;
  for (int i = 0; i < 400; ++i) calls += "selected(";
  CHECK_THAT(CompileError(calls), Contains("nested more than"));
  std::string long_sum = "a";
  for (int i = 0; i < 3000; ++i) long_sum += "+a";
  CHECK_THAT(CompileError(long_sum + " > 0"), Contains("bytes long, the maximum is 4096"));
  std::string wide = "a";
  for (int i = 0; i < 900; ++i) wide += "+a";
  CHECK(CompileError(wide + " > 0") == "(compiled)");  // long but flat: fine
}

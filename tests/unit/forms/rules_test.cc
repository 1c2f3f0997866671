#include <catch2/catch.hpp>

#include "common/forms/rules.h"

using wardsync::forms_util::ParseRule;
using Catch::Matchers::Contains;

TEST_CASE("rules of both shapes parse, whitespace-tolerant", "[forms]") {
  auto one = ParseRule("attended <= invited");
  REQUIRE(one.ok());
  CHECK(one->lhs == std::vector<std::string>{"attended"});
  CHECK(one->rhs == "invited");

  auto two = ParseRule("  agree+disagree<=attended\t");
  REQUIRE(two.ok());
  CHECK(two->lhs == std::vector<std::string>{"agree", "disagree"});
  CHECK(two->rhs == "attended");

  auto digits = ParseRule("a_1 + b2 <= c_3");
  REQUIRE(digits.ok());
  CHECK(digits->lhs.size() == 2);
}

TEST_CASE("anything else is refused with the text quoted", "[forms]") {
  for (const char* bad : {"", "a", "a <", "a < b", "a >= b", "a <= b + c", "a + b + c <= d", "a + <= b", "A <= b",
                          "1a <= b", "a <= b c", "a - b <= c", "a <= 5", "a == b"}) {
    auto r = ParseRule(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Contains(std::string("rule \"") + bad + "\""));
  }
}

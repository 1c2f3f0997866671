// Cross-field rules of a form, written as text in the definition
// (forms.proto Rule.expr): "a <= b" or "a + b <= c", names being INTEGER
// fields. Parsing is kept separate from checking so the loader can refuse a
// malformed rule when a pack is read, long before any record meets it.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace wardsync::forms_util {

struct RuleExpr {
  std::vector<std::string> lhs;  // one or two field names, summed
  std::string rhs;               // the field the sum may not exceed
};

// Whitespace-tolerant; identifiers are [a-z][a-z0-9_]*. Anything else is
// refused with the rule text quoted in the message.
Result<RuleExpr> ParseRule(std::string_view text);

}  // namespace wardsync::forms_util

// Parses one expression of the form language into a tree (ast.h). Syntax
// only: whether the names exist and the types agree is the checker's job
// (check.h). Grammar, loosest first:
//   or      := and ("or" and)*
//   and     := not ("and" not)*
//   not     := "not" not | compare
//   compare := sum (("<" | "<=" | ">" | ">=" | "=" | "!=") sum)?   (no chains)
//   sum     := product (("+" | "-") product)*
//   product := unary (("*" | "/") unary)*
//   unary   := "-" unary | primary
//   primary := number | 'text' | true | false | name | name "(" args ")" | "(" or ")"
#pragma once
#include <memory>
#include <string_view>

#include "common/forms/expr/ast.h"
#include "common/status.h"

namespace wardsync::forms_util::expr {

// Nesting deeper than this (parentheses, not, unary minus) is refused, so a
// hostile definition cannot exhaust the stack of every device that loads it.
inline constexpr int kMaxDepth = 40;

// Errors: "at position N: ...".
Result<std::unique_ptr<Node>> Parse(std::string_view text);

}  // namespace wardsync::forms_util::expr

// Type checking of one expression against the form it belongs to: every
// name resolves to a field, every operator gets operands of the right type.
// Run when a form is loaded or published (form_check.cc), so a record never
// meets an expression that cannot be evaluated (division by zero and
// overflow, which depend on values, are evaluation errors).
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/forms/expr/ast.h"
#include "common/status.h"
#include "proto/forms.pb.h"

namespace wardsync::forms_util::expr {

// A checked expression, ready to evaluate (eval.h). Holds pointers into the
// FormDef it was compiled against, which must outlive it.
struct Expr {
  std::string text;
  std::unique_ptr<Node> root;
  // Set when the expression names a sub-field "group.sub" outside sum():
  // it is then evaluated once per row of that group ("candidates.votes <=
  // valid" holds for every candidate).
  const wardsync::forms::FieldDef* row_group = nullptr;
  // The names the expression refers to, each once, in order of appearance:
  // "field", "group.sub" or "group" (count).
  std::vector<std::string> names;
};

// What the expression must yield.
enum class Want { kBoolean, kAny };

// `row_group`: the GROUP whose sub-field the expression belongs to (its
// relevant/compute), or nullptr. Errors: "at position N: ...".
Result<Expr> Compile(const wardsync::forms::FormDef& form, std::string_view text, Want want,
                     const wardsync::forms::FieldDef* row_group = nullptr);

// The expression type a field's values have (kUnknown for types the
// language does not take, e.g. ATTACHMENT).
Type FieldType(const wardsync::forms::FieldDef& field);

}  // namespace wardsync::forms_util::expr

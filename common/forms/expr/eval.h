// Evaluation of a checked expression (check.h) over a record's values.
// Empty fields make a result unknown (a rule with an unknown result is not
// broken yet, a condition with one does not hold, a computed value is left
// empty), with one refinement carried over from the first rule language:
// an empty number field whose min is >= 0 gives `+` and sum() a lower bound
// of 0, so "agree + disagree <= attended" already fails when agree alone
// exceeds attended. Integer overflow and division by zero are evaluation
// errors, reported as such, never wrapped or turned into infinity.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "common/forms/expr/check.h"
#include "common/forms/record_view.h"
#include "common/status.h"

namespace wardsync::forms_util::expr {

struct Val {
  enum class Kind { kNone, kInteger, kDecimal, kBoolean, kText, kChoices };
  Kind kind = Kind::kNone;
  int64_t i = 0;
  double d = 0;
  bool b = false;
  std::string s;
  const wardsync::changes::ChoiceList* choices = nullptr;
  // kNone of a number: a lower bound is known (i or d by `bound_decimal`),
  // and `partial` says some part of it was filled in.
  bool bounded = false;
  bool bound_decimal = false;
  bool partial = false;

  bool known() const { return kind != Kind::kNone; }
};

// The value of a computed field (FieldDef.compute) of the record, when an
// expression names one; supplied by the caller, which holds the compiled
// definitions.
using ComputedLookup = std::function<Result<Val>(const wardsync::forms::FieldDef& field, const RowView* row)>;

// `row`: the row the expression is evaluated for (row expressions and
// sub-field conditions), or nullptr. Errors: "division by zero in ...",
// "overflow: ...".
Result<Val> Evaluate(const Expr& expr, const RecordView& record, const RowView* row, const ComputedLookup& computed);

// A stored value as an expression value (kNone for an absent one).
Val FromValue(const wardsync::changes::Value* value);
// The stored form of a computed value of `field`'s type (nullopt for kNone).
std::optional<wardsync::changes::Value> ToValue(const Val& v, const wardsync::forms::FieldDef& field);

// "12", "2.5", "true", "'text'", "(empty)".
std::string ShowVal(const Val& v);

}  // namespace wardsync::forms_util::expr

// The one evaluation of a record's values against its form: which fields
// apply now (relevant) and are required, the computed values, the problems
// (with codes and English/Vietnamese text) and the broken rules. The
// validator (validator.h), server ingest, the rule review of
// common/reconcile and the officer app's API all call this, so there is one
// engine (brief decision 3); the browser only renders what it returns.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "common/forms/expr_cache.h"
#include "common/forms/problem.h"
#include "common/forms/record_view.h"
#include "proto/changes.pb.h"
#include "proto/forms.pb.h"

namespace wardsync::forms_util {

// A cross-field rule a record breaks (or that cannot be evaluated on it):
// what a RULE conflict names.
struct BrokenRule {
  std::string rule;                 // the rule's expr, with its label in parentheses when it has one (stable)
  std::vector<std::string> fields;  // the stored names it involves, each once, in the order the rule names them
  std::string message;              // the problem's English text, with the values
};

struct FieldStatus {
  std::string path;       // "name", or "group[row].sub" for each sub-field of each live row
  bool relevant = true;   // its `relevant` condition holds (or it has none); within a group: both hold
  bool required = false;  // required and relevant: an empty value is a problem
  bool computed = false;  // a `compute` field: read-only
};

struct FormEvaluation {
  std::vector<FieldStatus> fields;  // in form order, rows in their order
  std::vector<std::pair<std::string, wardsync::changes::Value>> computed;  // path -> value (empty ones left out)
  // In the order the validator reports them: unknown names (sorted), then
  // fields in form order, then rules. Empty: the record is valid.
  std::vector<Problem> problems;
  std::vector<BrokenRule> broken_rules;  // the rule problems, as RULE conflicts name them
};

// `exprs`: compiled expressions kept across calls (expr_cache.h); nullptr
// compiles what this evaluation needs and drops it.
// `values_checked`: the caller vouches that every stored name is a field of
// `form` and every stored non-empty value passed CheckValue against it
// (ingest: a record made from scratch by a change whose field sets
// ValidateChangeFields accepted against this very form). The unknown-name
// and value problems, which then cannot occur, are not looked for; the
// result is the same, for less work.
FormEvaluation Evaluate(const wardsync::forms::FormDef& form, const FieldMap& fields, ExprCache* exprs = nullptr,
                        bool values_checked = false);

// Rows a GROUP may hold when its max_rows is 0.
inline constexpr uint32_t kDefaultMaxRows = 500;

}  // namespace wardsync::forms_util

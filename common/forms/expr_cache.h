// Compiled expressions of form definitions, kept across evaluations: the
// server evaluates every record a push touches against its form (rules,
// conditions, computed fields), and compiling each expression again for
// each record was ~13% of the committer's work (bench/README.md, session 8).
//
// Keyed by the addresses of the definition's own strings and fields, so a
// cache must not outlive the FormDefs it has seen (nor see one change): the
// ingest group keeps one for the group it commits, while it holds the forms
// snapshot. Not thread-safe: one per thread of work.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "common/forms/expr/check.h"

namespace wardsync::forms_util {

class ExprCache {
 public:
  // The compiled `text` (an expression of `form`, in `group`'s rows when
  // not null), or its compile error, compiled on first use.
  const Result<expr::Expr>& Get(const wardsync::forms::FormDef& form, const std::string& text, expr::Want want,
                                const wardsync::forms::FieldDef* group);

 private:
  using Key = std::tuple<const std::string*, const wardsync::forms::FieldDef*, int>;
  std::map<Key, Result<expr::Expr>> compiled_;
};

}  // namespace wardsync::forms_util

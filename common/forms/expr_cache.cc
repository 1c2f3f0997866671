#include "common/forms/expr_cache.h"

namespace wardsync::forms_util {

const Result<expr::Expr>& ExprCache::Get(const wardsync::forms::FormDef& form, const std::string& text, expr::Want want,
                                         const wardsync::forms::FieldDef* group) {
  const Key key{&text, group, static_cast<int>(want)};
  auto it = compiled_.find(key);
  if (it == compiled_.end()) it = compiled_.emplace(key, expr::Compile(form, text, want, group)).first;
  return it->second;
}

}  // namespace wardsync::forms_util

// What the form-language tests share (expr_test.cc, expr_date_test.cc): a
// test form from JSON, an expression's compile error, and its value on a
// record, as text a CHECK compares.
#pragma once
#include <catch2/catch.hpp>

#include <string>

#include "common/forms/expr/check.h"
#include "common/forms/expr/eval.h"
#include "common/forms/form_loader.h"

namespace expr_test {

inline wardsync::forms::FormDef ParseForm(const char* json, const char* origin) {
  auto f = wardsync::forms_util::ParseFormJson(json, origin);
  REQUIRE(f.ok());
  return *f;
}

// "(compiled)", or the checker's error.
inline std::string CompileError(const wardsync::forms::FormDef& form, const std::string& text,
                                wardsync::forms_util::expr::Want want) {
  auto e = wardsync::forms_util::expr::Compile(form, text, want);
  return e.ok() ? "(compiled)" : e.status().message();
}

// "true", "false", "unknown", a value as ShowVal gives it, or "error: ...".
inline std::string Eval(const wardsync::forms::FormDef& form, const std::string& text,
                        const wardsync::forms_util::FieldMap& fields) {
  namespace expr = wardsync::forms_util::expr;
  auto e = expr::Compile(form, text, expr::Want::kAny);
  INFO(text);
  REQUIRE(e.ok());
  wardsync::forms_util::RecordView view(form, fields);
  auto v = expr::Evaluate(*e, view, nullptr, {});
  if (!v.ok()) return "error: " + v.status().message();
  return v->known() ? expr::ShowVal(*v) : "unknown";
}

}  // namespace expr_test

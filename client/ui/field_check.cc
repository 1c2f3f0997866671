#include "client/ui/field_check.h"

#include "common/forms/form_registry.h"
#include "common/forms/rules.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"

namespace wardsync::client::ui {

using wardsync::forms::FormDef;
using FieldMap = google::protobuf::Map<std::string, wardsync::records::FieldState>;

std::string UnknownField(const FormDef& form, const std::map<std::string, std::string>& values) {
  for (const auto& [name, text] : values) {
    if (forms_util::FormRegistry::FindField(form, name) == nullptr) return name;
  }
  return "";
}

std::vector<FieldProblem> CheckFields(const FormDef& form, const std::map<std::string, std::string>& values) {
  std::vector<FieldProblem> problems;
  FieldMap parsed;  // the fields whose text is a valid value, for the rules
  for (const auto& field : form.fields()) {
    auto it = values.find(field.name());
    const std::string text = it == values.end() ? "" : it->second;
    if (text.empty()) {
      // The validator's own "required" check, on this one field alone.
      FormDef one = form;
      one.clear_fields();
      one.clear_rules();
      *one.add_fields() = field;
      Status s = forms_util::ValidateRecordFields(one, FieldMap());
      if (!s.ok()) problems.push_back({{field.name()}, "required", s.message(), ""});
      continue;
    }
    auto v = forms_util::ParseValue(form, field, text);
    if (!v.ok()) {
      problems.push_back({{field.name()}, "value", v.status().message(), ""});
      continue;
    }
    *parsed[field.name()].mutable_value() = std::move(v).value();
  }
  for (const auto& rule : form.rules()) {
    FormDef one = form;
    one.clear_rules();
    *one.add_rules() = rule;
    for (auto& f : *one.mutable_fields()) f.set_required(false);  // reported above
    FieldMap subset;  // only valid values: a broken value is reported above, not here
    for (const auto& [name, state] : parsed) subset[name] = state;
    Status s = forms_util::ValidateRecordFields(one, subset);
    if (s.ok()) continue;
    auto expr = forms_util::ParseRule(rule.expr());
    FieldProblem p{{}, "rule", s.message(), rule.label()};
    if (expr.ok()) {
      p.fields = expr->lhs;
      p.fields.push_back(expr->rhs);
    }
    problems.push_back(std::move(p));
  }
  return problems;
}

}  // namespace wardsync::client::ui

#include "common/forms/evaluation.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "common/forms/expr/eval.h"
#include "common/forms/field_path.h"
#include "common/forms/quote.h"
#include "common/forms/validator.h"
#include "common/forms/value_check.h"

namespace wardsync::forms_util {
namespace {

using expr::Expr;
using expr::Val;
using wardsync::changes::Value;
using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;

class FormEvaluator {
 public:
  FormEvaluator(const FormDef& form, const FieldMap& fields, ExprCache& exprs, bool values_checked)
      : form_(form), fields_(fields), view_(form, fields), exprs_(exprs), values_checked_(values_checked) {
    computed_ = [this](const FieldDef& f, const RowView* row) -> Result<Val> {
      const Expr* e = Compiled(f, f.compute(), row == nullptr ? nullptr : GroupOf(f));
      if (e == nullptr) return Val();
      return expr::Evaluate(*e, view_, row, {});  // a compute names no computed field (CheckFormDef)
    };
  }

  FormEvaluation Run() {
    if (!values_checked_) UnknownNames();
    for (const auto& f : form_.fields()) {
      if (f.type() == FieldDef::GROUP) {
        Group(f);
      } else {
        One(f, f.name(), nullptr, true, fields_.find(f.name()));
      }
    }
    for (const auto& rule : form_.rules()) Rule(rule);
    return std::move(out_);
  }

 private:
  // Expressions were checked when the form was loaded; a failure here means
  // the definition bypassed CheckFormDef, and is reported, not evaluated.
  const Expr* Compiled(const FieldDef& owner, const std::string& text, const FieldDef* group) {
    const auto& e = exprs_.Get(form_, text, &text == &owner.compute() ? expr::Want::kAny : expr::Want::kBoolean, group);
    if (e.ok()) return &*e;
    if (reported_.insert(std::make_pair(&text, group)).second) {  // once per evaluation
      Problem p;
      p.code = "bad_expression";
      p.params = {{"field", owner.name()}, {"expression", text}, {"error", e.status().message()}};
      p.en = form_.id() + ": field " + Quote(owner.name()) + ": expression " + Quote(text) + ": " + e.status().message();
      p.vi = form_.id() + ": trường " + Quote(owner.name()) + ": biểu thức " + Quote(text) + " lỗi: " + e.status().message();
      out_.problems.push_back(std::move(p));
    }
    return nullptr;
  }

  const FieldDef* GroupOf(const FieldDef& sub) const {
    for (const auto& g : form_.fields()) {
      for (const auto& f : g.fields()) {
        if (&f == &sub) return &g;
      }
    }
    return nullptr;
  }

  // A condition holds only when it is known to be true.
  bool Relevant(const FieldDef& f, const FieldDef* group, const RowView* row) {
    if (f.relevant().empty()) return true;
    const Expr* e = Compiled(f, f.relevant(), group);
    if (e == nullptr) return true;
    auto v = expr::Evaluate(*e, view_, row, computed_);
    return v.ok() && v->known() && v->b;
  }

  void UnknownNames() {
    std::vector<std::string_view> names;  // the unknown ones, reported in sorted order
    for (const auto& [name, state] : fields_) {
      if (ResolveField(form_, name) == nullptr) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (auto name : names) {
      Problem p;
      p.code = "unknown_field";
      p.params = {{"field", std::string(name)}};
      p.field = std::string(name);
      p.en = form_.id() + ": unknown field " + Quote(name);
      p.vi = form_.id() + ": không có trường " + Quote(name);
      out_.problems.push_back(std::move(p));
    }
  }

  void One(const FieldDef& f, const std::string& path, const RowView* row, bool parent_relevant,
           FieldMap::const_iterator stored) {
    const FieldDef* group = row == nullptr ? nullptr : group_;
    FieldStatus st;
    st.path = path;
    st.relevant = parent_relevant && Relevant(f, group, row);
    st.required = st.relevant && f.required();
    st.computed = !f.compute().empty();
    out_.fields.push_back(st);
    const bool empty = stored == fields_.end() || !stored->second.has_value() || IsEmptyValue(stored->second.value());
    if (st.computed) {
      if (!empty) {
        out_.problems.push_back(FieldProblem(form_, path, "computed_set", {}, " is computed and cannot be set",
                                             " được tính tự động, không nhập được"));
      }
      if (!st.relevant) return;
      const Expr* e = Compiled(f, f.compute(), group);
      if (e == nullptr) return;
      auto v = expr::Evaluate(*e, view_, row, {});
      if (!v.ok()) {
        out_.problems.push_back(FieldProblem(form_, path, "compute_error", {{"error", v.status().message()}},
                                             ": cannot be computed: " + v.status().message(),
                                             ": không tính được: " + v.status().message()));
        return;
      }
      if (auto value = expr::ToValue(*v, f)) out_.computed.emplace_back(path, std::move(*value));
      return;
    }
    if (empty) {
      if (st.required) out_.problems.push_back(FieldProblem(form_, path, "required", {}, " is required", " là bắt buộc"));
      return;
    }
    if (!st.relevant) {
      out_.problems.push_back(FieldProblem(form_, path, "not_relevant", {{"condition", f.relevant()}},
                                           " has a value but does not apply (its condition " + Quote(f.relevant()) +
                                               " does not hold)",
                                           " có giá trị nhưng không áp dụng (điều kiện " + Quote(f.relevant()) +
                                               " không thỏa)"));
      return;
    }
    if (values_checked_) return;
    if (auto p = CheckValue(form_, f, path, stored->second.value())) out_.problems.push_back(std::move(*p));
  }

  void Group(const FieldDef& g) {
    group_ = &g;
    const bool relevant = Relevant(g, nullptr, nullptr);
    FieldStatus st;
    st.path = g.name();
    st.relevant = relevant;
    st.required = relevant && (g.required() || g.min_rows() > 0);
    out_.fields.push_back(st);
    // Row markers must be positions (integers).
    for (const auto& [name, state] : fields_) {
      if (values_checked_) break;
      auto p = ParseFieldPath(name);
      if (!p || p->field != g.name() || !p->IsRowMarker() || !state.has_value() || IsEmptyValue(state.value())) continue;
      if (auto problem = CheckValue(form_, g, name, state.value())) out_.problems.push_back(std::move(*problem));
    }
    const auto& rows = view_.Rows(g.name());
    const uint32_t min = std::max<uint32_t>(g.min_rows(), g.required() ? 1 : 0);
    const uint32_t max = g.max_rows() == 0 ? kDefaultMaxRows : g.max_rows();
    const std::string n = std::to_string(rows.size());
    if (!relevant && !rows.empty()) {
      out_.problems.push_back(FieldProblem(form_, g.name(), "not_relevant", {{"condition", g.relevant()}},
                                           " has rows but does not apply (its condition " + Quote(g.relevant()) +
                                               " does not hold)",
                                           " có dòng nhưng không áp dụng (điều kiện " + Quote(g.relevant()) + " không thỏa)"));
    } else if (relevant && rows.size() < min) {
      out_.problems.push_back(FieldProblem(form_, g.name(), min == 1 && rows.empty() ? "required" : "too_few_rows",
                                           {{"rows", n}, {"min", std::to_string(min)}},
                                           min == 1 && rows.empty() ? " is required" : " has " + n + " rows, at least " + std::to_string(min) + " are needed",
                                           min == 1 && rows.empty() ? " là bắt buộc" : " có " + n + " dòng, cần ít nhất " + std::to_string(min)));
    } else if (rows.size() > max) {
      out_.problems.push_back(FieldProblem(form_, g.name(), "too_many_rows", {{"rows", n}, {"max", std::to_string(max)}},
                                           " has " + n + " rows, at most " + std::to_string(max) + " are allowed",
                                           " có " + n + " dòng, tối đa " + std::to_string(max)));
    }
    for (const RowView& row : rows) {
      for (const auto& sub : g.fields()) {
        const std::string path = SubFieldPath(g.name(), row.id, sub.name());
        One(sub, path, &row, relevant, fields_.find(path));
      }
    }
    group_ = nullptr;
  }

  // "name=value" for each name the rule uses; a row rule shows the row.
  std::string Shown(const Expr& e, const RowView* row) {
    std::string out;
    for (const auto& name : e.names) {
      const size_t dot = name.find('.');
      std::string item;
      if (dot == std::string::npos) {
        const FieldDef* f = ResolveField(form_, name);
        if (f != nullptr && f->type() == FieldDef::GROUP) {
          item = "count(" + name + ")=" + std::to_string(view_.Rows(name).size());
        } else if (f != nullptr && !f->compute().empty()) {
          auto v = computed_(*f, nullptr);
          item = name + "=" + (v.ok() ? expr::ShowVal(*v) : "(error)");
        } else {
          item = name + "=" + expr::ShowVal(expr::FromValue(view_.Top(name)));
        }
      } else if (row != nullptr && e.row_group != nullptr && name.compare(0, dot, e.row_group->name()) == 0) {
        auto it = row->values.find(name.substr(dot + 1));
        item = name + "=" + expr::ShowVal(expr::FromValue(it == row->values.end() ? nullptr : it->second));
      } else {
        Val total;
        int64_t sum = 0;
        bool ok = true;
        for (const auto& r : view_.Rows(name.substr(0, dot))) {
          auto it = r.values.find(name.substr(dot + 1));
          if (it == r.values.end() || it->second->kind_case() != Value::kInteger) continue;
          ok = ok && !__builtin_add_overflow(sum, it->second->integer(), &sum);
        }
        item = "sum(" + name + ")=" + (ok ? std::to_string(sum) : std::string("(overflow)"));
      }
      out += (out.empty() ? "" : ", ") + item;
    }
    return out;
  }

  // The stored names a broken rule involves: what a reviewer may set to fix it.
  std::vector<std::string> Involved(const Expr& e, const RowView* row) {
    std::vector<std::string> out;
    auto add = [&](std::string s) {
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
    };
    for (const auto& name : e.names) {
      const size_t dot = name.find('.');
      const FieldDef* f = dot == std::string::npos ? ResolveField(form_, name) : nullptr;
      if (dot == std::string::npos && (f == nullptr || f->type() != FieldDef::GROUP)) {
        add(name);
        continue;
      }
      const std::string group = dot == std::string::npos ? name : name.substr(0, dot);
      for (const auto& r : view_.Rows(group)) {
        if (row != nullptr && e.row_group != nullptr && e.row_group->name() == group && r.id != row->id) continue;
        add(dot == std::string::npos ? RowMarkerPath(group, r.id) : SubFieldPath(group, r.id, name.substr(dot + 1)));
      }
    }
    return out;
  }

  void Rule(const wardsync::forms::Rule& rule) {
    const auto& compiled = exprs_.Get(form_, rule.expr(), expr::Want::kBoolean, nullptr);
    // Most records break no rule: find the first row that breaks it before
    // building any text.
    std::optional<Result<Val>> failed;
    const RowView* failed_row = nullptr;
    size_t failed_index = 0;
    if (compiled.ok()) {
      const Expr& e = *compiled;
      auto holds = [&](const RowView* row, size_t i) {
        auto v = expr::Evaluate(e, view_, row, computed_);
        if (v.ok() && !(v->known() && !v->b)) return true;
        failed = std::move(v);
        failed_row = row;
        failed_index = i;
        return false;
      };
      if (e.row_group == nullptr) {
        if (holds(nullptr, 0)) return;
      } else {
        const auto& rows = view_.Rows(e.row_group->name());
        size_t i = 0;
        while (i < rows.size() && holds(&rows[i], i)) ++i;
        if (i == rows.size()) return;
      }
    }
    const std::string label = rule.label().empty() ? "" : " (" + rule.label() + ")";
    BrokenRule b;
    b.rule = rule.expr() + label;
    Problem p;
    p.params = {{"rule", rule.expr()}, {"label", rule.label()}};
    if (!compiled.ok()) {
      p.code = "rule_error";
      p.params.push_back({"error", compiled.status().message()});
      p.en = form_.id() + ": rule " + Quote(rule.expr()) + " cannot be evaluated: " + compiled.status().message() + label;
      p.vi = form_.id() + ": quy tắc " + Quote(rule.expr()) + " không tính được: " + compiled.status().message() + label;
    } else {
      const Expr& e = *compiled;
      const RowView* row = failed_row;
      const Result<Val>& v = *failed;
      b.fields = Involved(e, row);
      const std::string where = row == nullptr ? "" : " for row " + std::to_string(failed_index + 1) + " (" + row->id + ")";
      const std::string where_vi = row == nullptr ? "" : " ở dòng " + std::to_string(failed_index + 1) + " (" + row->id + ")";
      if (row != nullptr) p.params.push_back({"row", row->id});
      if (!v.ok()) {
        p.code = "rule_error";
        p.params.push_back({"error", v.status().message()});
        p.en = form_.id() + ": rule " + Quote(rule.expr()) + " cannot be evaluated" + where + ": " + v.status().message() +
               " (" + Shown(e, row) + ")" + label;
        p.vi = form_.id() + ": quy tắc " + Quote(rule.expr()) + " không tính được" + where_vi + ": " +
               v.status().message() + " (" + Shown(e, row) + ")" + label;
      } else {
        p.code = "rule_broken";
        const std::string shown = Shown(e, row);
        p.params.push_back({"values", shown});
        p.en = form_.id() + ": rule " + Quote(rule.expr()) + " fails" + where + ": " + shown + label;
        p.vi = form_.id() + ": quy tắc " + Quote(rule.expr()) + " không thỏa" + where_vi + ": " + shown + label;
      }
    }
    b.message = p.en;
    out_.broken_rules.push_back(std::move(b));
    out_.problems.push_back(std::move(p));
  }

  const FormDef& form_;
  const FieldMap& fields_;
  RecordView view_;
  FormEvaluation out_;
  expr::ComputedLookup computed_;
  const FieldDef* group_ = nullptr;
  ExprCache& exprs_;
  const bool values_checked_;
  std::set<std::pair<const std::string*, const FieldDef*>> reported_;
};

}  // namespace

FormEvaluation Evaluate(const FormDef& form, const FieldMap& fields, ExprCache* exprs, bool values_checked) {
  if (exprs != nullptr) return FormEvaluator(form, fields, *exprs, values_checked).Run();
  ExprCache own;  // this evaluation only
  return FormEvaluator(form, fields, own, values_checked).Run();
}

}  // namespace wardsync::forms_util

#include "common/forms/form_check.h"

#include "common/attach/attachment_value.h"

#include <cmath>
#include <set>
#include <string>
#include <tuple>

#include "common/forms/expr/check.h"
#include "common/forms/quote.h"
#include "common/forms/utf8.h"

namespace wardsync::forms_util {
namespace {

using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;

bool Lower(char c) { return c >= 'a' && c <= 'z'; }
bool Digit(char c) { return c >= '0' && c <= '9'; }


class FormChecker {
 public:
  FormChecker(const FormDef& form, std::string_view origin) : form_(form) {
    if (!origin.empty()) prefix_ = std::string(origin) + ": ";
    prefix_ += "form " + Quote(form.id()) + ": ";
  }

  Status Run() {
    if (!IsFormId(form_.id())) return Fail("form id must match [a-z0-9][a-z0-9-]*");
    if (form_.version() < 1) return Fail("version must be 1 or more");
    WS_RETURN_IF_ERROR(CheckFields(form_.fields(), nullptr));
    for (int i = 0; i < form_.rules_size(); ++i) {
      const auto& rule = form_.rules(i);
      auto e = expr::Compile(form_, rule.expr(), expr::Want::kBoolean);
      if (!e.ok()) {
        return Fail("rule #" + std::to_string(i + 1) + " " + Quote(rule.expr()) +
                    (rule.label().empty() ? "" : " (" + rule.label() + ")") + ": " + e.status().message());
      }
    }
    std::set<std::string_view> keys;
    for (const auto& k : form_.unique_key()) {
      const FieldDef* f = nullptr;
      for (const auto& field : form_.fields()) {
        if (field.name() == k) f = &field;
      }
      if (f == nullptr) return Fail("uniqueKey names unknown field " + Quote(k));
      if (f->type() == FieldDef::GROUP || f->type() == FieldDef::MULTIPLE_CHOICE || !f->compute().empty() ||
          f->type() == FieldDef::DECIMAL || f->type() == FieldDef::ATTACHMENT) {
        return Fail("uniqueKey field " + Quote(k) + " must be a stored INTEGER, TEXT, BOOLEAN, DATE, TIME or SINGLE_CHOICE field");
      }
      if (!keys.insert(k).second) return Fail("uniqueKey names " + Quote(k) + " twice");
    }
    return Status::Ok();
  }

 private:
  Status Fail(const std::string& what) const { return Status::Invalid(prefix_ + what); }
  Status FieldFail(const FieldDef& f, const std::string& what) const {
    return Fail("field " + Quote(f.name()) + ": " + what);
  }

  Status CheckFields(const google::protobuf::RepeatedPtrField<FieldDef>& fields, const FieldDef* group) const {
    std::set<std::string_view> names;
    for (int i = 0; i < fields.size(); ++i) {
      const FieldDef& f = fields.Get(i);
      const std::string where = group == nullptr ? "" : "group " + Quote(group->name()) + ": ";
      if (!IsFieldName(f.name())) {
        return Fail(where + "field #" + std::to_string(i + 1) + " " + Quote(f.name()) + ": name must match [a-z][a-z0-9_]*");
      }
      if (!names.insert(f.name()).second) return Fail(where + "field " + Quote(f.name()) + " is defined twice");
      WS_RETURN_IF_ERROR(CheckField(f, group));
    }
    return Status::Ok();
  }

  // relevant and compute: parsed and type-checked now, never at capture time.
  Status CheckExpressions(const FieldDef& f, const FieldDef* group) const {
    const std::string name = group == nullptr ? f.name() : group->name() + "." + f.name();
    if (!f.relevant().empty()) {
      auto e = expr::Compile(form_, f.relevant(), expr::Want::kBoolean, group);
      if (!e.ok()) return Fail("field " + Quote(name) + ": relevant " + Quote(f.relevant()) + ": " + e.status().message());
    }
    if (f.compute().empty()) return Status::Ok();
    if (f.type() == FieldDef::GROUP || f.type() == FieldDef::MULTIPLE_CHOICE || f.type() == FieldDef::ATTACHMENT) {
      return FieldFail(f, "compute applies only to INTEGER, DECIMAL, TEXT, BOOLEAN, DATE, TIME and SINGLE_CHOICE fields");
    }
    if (f.required()) return FieldFail(f, "a computed field cannot be required");
    auto e = expr::Compile(form_, f.compute(), expr::Want::kAny, group);
    if (!e.ok()) return Fail("field " + Quote(name) + ": compute " + Quote(f.compute()) + ": " + e.status().message());
    const expr::Type want = expr::FieldType(f), got = e->root->type;
    const bool fits = want == got || (want == expr::Type::kDecimal && got == expr::Type::kInteger) ||
                      (got == expr::Type::kText && e->root->kind == expr::Node::Kind::kString &&
                       (want == expr::Type::kText || want == expr::Type::kChoice));
    if (!fits) {
      return Fail("field " + Quote(name) + ": compute " + Quote(f.compute()) + " gives " + expr::TypeName(got) + ", the field holds " +
                  expr::TypeName(want));
    }
    for (const auto& used : e->names) {
      const size_t dot = used.find('.');
      for (const auto& top : form_.fields()) {
        if (dot == std::string::npos && top.name() == used && !top.compute().empty()) {
          return Fail("field " + Quote(name) + ": compute names the computed field " + Quote(used) + " (one level only)");
        }
        if (dot != std::string::npos && top.name() == used.substr(0, dot)) {
          for (const auto& sub : top.fields()) {
            if (sub.name() == used.substr(dot + 1) && !sub.compute().empty()) {
              return Fail("field " + Quote(name) + ": compute names the computed field " + Quote(used) + " (one level only)");
            }
          }
        }
      }
    }
    return Status::Ok();
  }

  Status CheckField(const FieldDef& f, const FieldDef* group) const {
    WS_RETURN_IF_ERROR(CheckExpressions(f, group));
    if (f.type() == FieldDef::GROUP) {
      if (group != nullptr) return FieldFail(f, "a repeat group cannot hold another repeat group");
      if (f.fields_size() == 0) return FieldFail(f, "a repeat group needs at least one field");
      if (f.max_rows() != 0 && f.min_rows() > f.max_rows()) return FieldFail(f, "minRows is greater than maxRows");
      if (f.has_min() || f.has_max() || f.max_length() != 0 || f.choices_size() > 0 || !f.choice_list().empty()) {
        return FieldFail(f, "a repeat group takes no min/max/maxLength/choices (its fields do)");
      }
      return CheckFields(f.fields(), &f);
    }
    if (f.fields_size() > 0 || f.min_rows() != 0 || f.max_rows() != 0) {
      return FieldFail(f, "fields/minRows/maxRows apply only to GROUP fields");
    }
    // Attachments were built and tested as top-level fields (`--attach
    // FIELD=FILE`, the officer app, export); inside rows none of that was
    // ever exercised, so a form using it is refused rather than half working.
    if (group != nullptr && f.type() == FieldDef::ATTACHMENT) {
      return Fail("group " + Quote(group->name()) + ": field " + Quote(f.name()) +
                  ": an ATTACHMENT field cannot be inside a repeat group; put it beside the group");
    }
    return CheckPlainField(f);
  }

  Status CheckPlainField(const FieldDef& f) const {
    const bool numeric = f.type() == FieldDef::INTEGER || f.type() == FieldDef::DECIMAL;
    const bool choice = f.type() == FieldDef::SINGLE_CHOICE || f.type() == FieldDef::MULTIPLE_CHOICE;
    if (f.type() == FieldDef::TYPE_UNSPECIFIED || !FieldDef::Type_IsValid(f.type())) {
      return FieldFail(f, "type is not set");
    }
    if ((f.has_min() || f.has_max()) && !numeric) return FieldFail(f, "min/max apply only to INTEGER and DECIMAL fields");
    if (f.max_length() != 0 && f.type() != FieldDef::TEXT) return FieldFail(f, "maxLength applies only to TEXT fields");
    if (f.choices_size() > 0 && !choice) return FieldFail(f, "choices apply only to SINGLE_CHOICE and MULTIPLE_CHOICE fields");
    if (!f.choice_list().empty() && !choice) {
      return FieldFail(f, "choiceList applies only to SINGLE_CHOICE and MULTIPLE_CHOICE fields");
    }
    if (!f.choice_list().empty() && f.choices_size() > 0) return FieldFail(f, "give either choices or choiceList, not both");
    if (!f.choice_list().empty() && !IsFormId(f.choice_list())) {
      return FieldFail(f, "choiceList " + Quote(f.choice_list()) + " must match [a-z0-9][a-z0-9-]*");
    }
    if ((f.media_types_size() > 0 || f.max_bytes() != 0) && f.type() != FieldDef::ATTACHMENT) {
      return FieldFail(f, "mediaTypes/maxBytes apply only to ATTACHMENT fields");
    }
    if (f.type() == FieldDef::ATTACHMENT) {
      if (auto why = attach::CheckFieldLimits(f); !why.empty()) return FieldFail(f, why);
    }
    for (const auto& [present, bound, what] : {std::tuple{f.has_min(), f.min(), "min"}, std::tuple{f.has_max(), f.max(), "max"}}) {
      if (!present) continue;
      if (!std::isfinite(bound)) return FieldFail(f, std::string(what) + " must be a finite number");
      // An INTEGER bound must be a whole int64 so the comparison with a
      // value is exact, not a rounded double comparison.
      if (f.type() == FieldDef::INTEGER &&
          (bound != std::trunc(bound) || bound < -9223372036854775808.0 || bound >= 9223372036854775808.0)) {
        return FieldFail(f, std::string(what) + " of an INTEGER field must be a whole number in the int64 range");
      }
    }
    if (f.has_min() && f.has_max() && f.min() > f.max()) return FieldFail(f, "min is greater than max");
    if (choice) {
      if (f.choices_size() == 0 && f.choice_list().empty()) {
        return FieldFail(f, "a choice field needs at least one choice (or a choiceList)");
      }
      std::set<std::string_view> values;
      for (const auto& c : f.choices()) {
        if (!IsChoiceValue(c.value())) return FieldFail(f, "choice value " + Quote(c.value()) + " must match [a-z0-9][a-z0-9_-]*");
        if (!values.insert(c.value()).second) return FieldFail(f, "choice value " + Quote(c.value()) + " appears twice");
      }
    }
    return Status::Ok();
  }

  const FormDef& form_;
  std::string prefix_;
};

}  // namespace

bool IsFormId(std::string_view s) {
  if (s.empty() || !(Lower(s[0]) || Digit(s[0]))) return false;
  for (char c : s) {
    if (!(Lower(c) || Digit(c) || c == '-')) return false;
  }
  return true;
}

bool IsFieldName(std::string_view s) {
  if (s.empty() || !Lower(s[0])) return false;
  for (char c : s) {
    if (!(Lower(c) || Digit(c) || c == '_')) return false;
  }
  return true;
}

bool IsWardId(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(Lower(c) || Digit(c) || c == '-')) return false;
  }
  return true;
}

Status CheckFormDef(const FormDef& form, std::string_view origin) { return FormChecker(form, origin).Run(); }

Status CheckWardList(const wardsync::forms::WardList& wards, std::string_view origin) {
  std::string prefix = origin.empty() ? "" : std::string(origin) + ": ";
  std::set<std::string_view> ids;
  for (int i = 0; i < wards.wards_size(); ++i) {
    const auto& w = wards.wards(i);
    if (!IsWardId(w.id())) {
      return Status::Invalid(prefix + "ward #" + std::to_string(i + 1) + " " + Quote(w.id()) + ": id must match [a-z0-9-]+");
    }
    if (!ids.insert(w.id()).second) return Status::Invalid(prefix + "ward " + Quote(w.id()) + " is listed twice");
    if (w.name().empty()) return Status::Invalid(prefix + "ward " + Quote(w.id()) + " has no name");
    if (!IsValidUtf8(w.name())) return Status::Invalid(prefix + "ward " + Quote(w.id()) + ": name is not valid UTF-8");
  }
  return Status::Ok();
}

// Choice values end up comma-joined on the command line and in exports, so
// they are held to an id syntax that cannot contain a comma or a space.
bool IsChoiceValue(std::string_view s) {
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (s.empty() || !ok(s[0])) return false;
  for (char c : s) {
    if (!(ok(c) || c == '-' || c == '_')) return false;
  }
  return true;
}

}  // namespace wardsync::forms_util

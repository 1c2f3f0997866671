#include "common/forms/form_check.h"

#include "common/attach/attachment_value.h"

#include <cmath>
#include <set>
#include <string>
#include <tuple>

#include "common/forms/quote.h"
#include "common/forms/rules.h"
#include "common/forms/utf8.h"

namespace wardsync::forms_util {
namespace {

using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;

bool Lower(char c) { return c >= 'a' && c <= 'z'; }
bool Digit(char c) { return c >= '0' && c <= '9'; }

// Choice values end up comma-joined on the command line and in exports, so
// they are held to an id syntax that cannot contain a comma or a space.
bool IsChoiceValue(std::string_view s) {
  if (s.empty() || !(Lower(s[0]) || Digit(s[0]))) return false;
  for (char c : s) {
    if (!(Lower(c) || Digit(c) || c == '-' || c == '_')) return false;
  }
  return true;
}

class FormChecker {
 public:
  FormChecker(const FormDef& form, std::string_view origin) : form_(form) {
    if (!origin.empty()) prefix_ = std::string(origin) + ": ";
    prefix_ += "form " + Quote(form.id()) + ": ";
  }

  Status Run() {
    if (!IsFormId(form_.id())) return Fail("form id must match [a-z0-9][a-z0-9-]*");
    if (form_.version() < 1) return Fail("version must be 1 or more");
    std::set<std::string_view> names;
    for (int i = 0; i < form_.fields_size(); ++i) {
      const FieldDef& f = form_.fields(i);
      if (!IsFieldName(f.name())) {
        return Fail("field #" + std::to_string(i + 1) + " " + Quote(f.name()) + ": name must match [a-z][a-z0-9_]*");
      }
      if (!names.insert(f.name()).second) return Fail("field " + Quote(f.name()) + " is defined twice");
      WS_RETURN_IF_ERROR(CheckField(f));
    }
    for (const auto& rule : form_.rules()) WS_RETURN_IF_ERROR(CheckRule(rule.expr()));
    return Status::Ok();
  }

 private:
  Status Fail(const std::string& what) const { return Status::Invalid(prefix_ + what); }
  Status FieldFail(const FieldDef& f, const std::string& what) const {
    return Fail("field " + Quote(f.name()) + ": " + what);
  }

  Status CheckField(const FieldDef& f) const {
    const bool numeric = f.type() == FieldDef::INTEGER || f.type() == FieldDef::DECIMAL;
    const bool choice = f.type() == FieldDef::SINGLE_CHOICE || f.type() == FieldDef::MULTIPLE_CHOICE;
    if (f.type() == FieldDef::TYPE_UNSPECIFIED || !FieldDef::Type_IsValid(f.type())) {
      return FieldFail(f, "type is not set");
    }
    if ((f.has_min() || f.has_max()) && !numeric) return FieldFail(f, "min/max apply only to INTEGER and DECIMAL fields");
    if (f.max_length() != 0 && f.type() != FieldDef::TEXT) return FieldFail(f, "maxLength applies only to TEXT fields");
    if (f.choices_size() > 0 && !choice) return FieldFail(f, "choices apply only to SINGLE_CHOICE and MULTIPLE_CHOICE fields");
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
      if (f.choices_size() == 0) return FieldFail(f, "a choice field needs at least one choice");
      std::set<std::string_view> values;
      for (const auto& c : f.choices()) {
        if (!IsChoiceValue(c.value())) return FieldFail(f, "choice value " + Quote(c.value()) + " must match [a-z0-9][a-z0-9_-]*");
        if (!values.insert(c.value()).second) return FieldFail(f, "choice value " + Quote(c.value()) + " appears twice");
      }
    }
    return Status::Ok();
  }

  Status CheckRule(const std::string& expr) const {
    auto parsed = ParseRule(expr);
    if (!parsed.ok()) return Fail(parsed.status().message());
    std::vector<std::string> names = parsed->lhs;
    names.push_back(parsed->rhs);
    for (const auto& name : names) {
      const FieldDef* field = nullptr;
      for (const auto& f : form_.fields()) {
        if (f.name() == name) field = &f;
      }
      if (field == nullptr) return Fail("rule " + Quote(expr) + ": unknown field " + Quote(name));
      if (field->type() != FieldDef::INTEGER) {
        return Fail("rule " + Quote(expr) + ": field " + Quote(name) + " is " + FieldDef::Type_Name(field->type()) +
                    ", rules take only INTEGER fields");
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

}  // namespace wardsync::forms_util

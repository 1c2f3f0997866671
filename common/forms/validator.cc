#include "common/forms/validator.h"

#include "common/attach/attachment_value.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <vector>

#include "common/forms/calendar_date.h"
#include "common/forms/form_registry.h"
#include "common/forms/number_text.h"
#include "common/forms/quote.h"
#include "common/forms/rules.h"
#include "common/forms/utf8.h"

namespace wardsync::forms_util {
namespace {

using wardsync::changes::Value;
using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;

constexpr uint32_t kDefaultMaxLength = 2000;

Status FieldError(const FormDef& form, const FieldDef& field, const std::string& what) {
  return Status::Invalid(form.id() + ": field " + Quote(field.name()) + ": " + what);
}

Value::KindCase ExpectedKind(FieldDef::Type type) {
  switch (type) {
    case FieldDef::INTEGER: return Value::kInteger;
    case FieldDef::DECIMAL: return Value::kDecimal;
    case FieldDef::TEXT: return Value::kText;
    case FieldDef::BOOLEAN: return Value::kBoolean;
    case FieldDef::DATE: return Value::kDate;
    case FieldDef::SINGLE_CHOICE: return Value::kChoice;
    case FieldDef::MULTIPLE_CHOICE: return Value::kChoices;
    case FieldDef::ATTACHMENT: return Value::kAttachment;
    default: return Value::KIND_NOT_SET;
  }
}

const char* KindName(Value::KindCase kind) {
  switch (kind) {
    case Value::kInteger: return "an integer";
    case Value::kDecimal: return "a decimal number";
    case Value::kText: return "text";
    case Value::kBoolean: return "true/false";
    case Value::kDate: return "a date";
    case Value::kChoice: return "one choice";
    case Value::kChoices: return "a list of choices";
    case Value::kAttachment: return "an attachment";
    default: return "no value";
  }
}

bool IsChoice(const FieldDef& field, std::string_view v) {
  return std::any_of(field.choices().begin(), field.choices().end(), [&](const auto& c) { return c.value() == v; });
}

Status CheckNumber(const FormDef& form, const FieldDef& field, const Value& value) {
  std::string shown;
  bool below, above;
  if (value.kind_case() == Value::kInteger) {
    // Bounds of INTEGER fields are whole int64 values (CheckFormDef), so the
    // comparison is exact.
    const int64_t v = value.integer();
    shown = std::to_string(v);
    below = field.has_min() && v < static_cast<int64_t>(field.min());
    above = field.has_max() && v > static_cast<int64_t>(field.max());
  } else {
    const double v = value.decimal();
    if (!std::isfinite(v)) return FieldError(form, field, "the value is not a finite number");
    shown = FormatDouble(v);
    below = field.has_min() && v < field.min();
    above = field.has_max() && v > field.max();
  }
  if (below) return FieldError(form, field, shown + " is below the minimum " + FormatDouble(field.min()));
  if (above) return FieldError(form, field, shown + " is above the maximum " + FormatDouble(field.max()));
  return Status::Ok();
}

Status CheckText(const FormDef& form, const FieldDef& field, const std::string& text) {
  auto length = Utf8Length(text);
  if (!length) return FieldError(form, field, "the text is not valid UTF-8");
  const uint32_t max = field.max_length() == 0 ? kDefaultMaxLength : field.max_length();
  if (*length > max) {
    return FieldError(form, field,
                      "the text is " + std::to_string(*length) + " characters long, the maximum is " + std::to_string(max));
  }
  return Status::Ok();
}

// The integer held by a record field, or nullopt when it is empty.
std::optional<int64_t> IntegerOf(const google::protobuf::Map<std::string, wardsync::records::FieldState>& fields,
                                 const std::string& name) {
  auto it = fields.find(name);
  if (it == fields.end() || !it->second.has_value() || it->second.value().kind_case() != Value::kInteger) {
    return std::nullopt;
  }
  return it->second.value().integer();
}

Status CheckRule(const FormDef& form, const wardsync::forms::Rule& rule,
                 const google::protobuf::Map<std::string, wardsync::records::FieldState>& fields) {
  auto parsed = ParseRule(rule.expr());
  if (!parsed.ok()) return Status::Invalid(form.id() + ": " + parsed.status().message());
  std::vector<std::string> names = parsed->lhs;
  names.push_back(parsed->rhs);
  std::vector<int64_t> values;
  std::vector<bool> empty;
  bool any_lhs = false;
  for (size_t i = 0; i < names.size(); ++i) {
    auto v = IntegerOf(fields, names[i]);
    if (!v) {
      // An empty addend that cannot be negative (min >= 0) adds nothing: the
      // filled-in part of the sum already exceeding the right side breaks
      // the rule whatever it will hold ("agree 55" of "attended 52" with
      // "disagree" not yet counted). Anything else empty: not all filled in
      // yet, nothing to compare.
      const auto* def = FormRegistry::FindField(form, names[i]);
      const bool lhs = i + 1 < names.size();
      if (!lhs || def == nullptr || !def->has_min() || def->min() < 0) return Status::Ok();
      values.push_back(0);
      empty.push_back(true);
      continue;
    }
    any_lhs = any_lhs || i + 1 < names.size();
    values.push_back(*v);
    empty.push_back(false);
  }
  if (!any_lhs) return Status::Ok();
  __int128 sum = 0;  // two int64 values cannot overflow 128 bits
  for (size_t i = 0; i + 1 < values.size(); ++i) sum += values[i];
  if (sum <= values.back()) return Status::Ok();

  std::string shown;
  std::set<std::string_view> listed;  // "a + a <= b" lists a once
  for (size_t i = 0; i < names.size(); ++i) {
    if (!listed.insert(names[i]).second) continue;
    if (!shown.empty()) shown += ", ";
    shown += names[i] + "=" + (empty[i] ? std::string("(empty)") : std::to_string(values[i]));
  }
  std::string msg = form.id() + ": rule " + Quote(rule.expr()) + " fails: " + shown;
  if (!rule.label().empty()) msg += " (" + rule.label() + ")";
  return Status::Invalid(msg);
}

}  // namespace

bool IsEmptyValue(const Value& value) {
  switch (value.kind_case()) {
    case Value::KIND_NOT_SET: return true;
    case Value::kText: return value.text().empty();
    case Value::kChoices: return value.choices().values().empty();
    default: return false;
  }
}

Status ValidateValue(const FormDef& form, const FieldDef& field, const Value& value) {
  const Value::KindCase expected = ExpectedKind(field.type());
  if (value.kind_case() != expected) {
    return FieldError(form, field, std::string("expected ") + KindName(expected) + ", got " + KindName(value.kind_case()));
  }
  switch (value.kind_case()) {
    case Value::kInteger:
    case Value::kDecimal: return CheckNumber(form, field, value);
    case Value::kText: return CheckText(form, field, value.text());
    case Value::kDate:
      if (!IsCalendarDate(value.date())) {
        return FieldError(form, field, Quote(value.date()) + " is not a real date in the form YYYY-MM-DD");
      }
      return Status::Ok();
    case Value::kChoice:
      if (!IsChoice(field, value.choice())) return FieldError(form, field, Quote(value.choice()) + " is not one of the choices");
      return Status::Ok();
    case Value::kChoices: {
      std::set<std::string_view> seen;
      for (const auto& v : value.choices().values()) {
        if (!IsChoice(field, v)) return FieldError(form, field, Quote(v) + " is not one of the choices");
        if (!seen.insert(v).second) return FieldError(form, field, Quote(v) + " is chosen twice");
      }
      return Status::Ok();
    }
    case Value::kAttachment:
      if (auto why = attach::CheckValue(field, value.attachment()); !why.empty()) return FieldError(form, field, why);
      return Status::Ok();
    default: return Status::Ok();  // booleans have nothing more to check
  }
}

Status ValidateRecordFields(const FormDef& form,
                            const google::protobuf::Map<std::string, wardsync::records::FieldState>& fields) {
  // Map order is unspecified; sort so the same record always gives the same
  // message.
  std::vector<std::string_view> names;
  for (const auto& [name, state] : fields) names.push_back(name);
  std::sort(names.begin(), names.end());
  for (auto name : names) {
    if (FormRegistry::FindField(form, name) == nullptr) return Status::Invalid(form.id() + ": unknown field " + Quote(name));
  }
  for (const auto& field : form.fields()) {
    auto it = fields.find(field.name());
    const bool empty = it == fields.end() || !it->second.has_value() || IsEmptyValue(it->second.value());
    if (empty) {
      if (field.required()) return Status::Invalid(form.id() + ": field " + Quote(field.name()) + " is required");
      continue;
    }
    WS_RETURN_IF_ERROR(ValidateValue(form, field, it->second.value()));
  }
  for (const auto& rule : form.rules()) WS_RETURN_IF_ERROR(CheckRule(form, rule, fields));
  return Status::Ok();
}

std::vector<BrokenRule> BrokenRules(const FormDef& form,
                                    const google::protobuf::Map<std::string, wardsync::records::FieldState>& fields) {
  std::vector<BrokenRule> out;
  for (const auto& rule : form.rules()) {
    Status s = CheckRule(form, rule, fields);
    if (s.ok()) continue;
    BrokenRule b;
    b.rule = rule.label().empty() ? rule.expr() : rule.expr() + " (" + rule.label() + ")";
    b.message = s.message();
    if (auto parsed = ParseRule(rule.expr()); parsed.ok()) {
      std::vector<std::string> names = parsed->lhs;
      names.push_back(parsed->rhs);
      for (auto& n : names) {
        if (std::find(b.fields.begin(), b.fields.end(), n) == b.fields.end()) b.fields.push_back(std::move(n));
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

Status ValidateChangeFields(const FormDef& form, const wardsync::changes::Change& change) {
  if (change.form_id() != form.id() || change.form_version() != form.version()) {
    return Status::Invalid("change is for form " + Quote(change.form_id()) + " version " +
                           std::to_string(change.form_version()) + ", checked against " + Quote(form.id()) + " version " +
                           std::to_string(form.version()));
  }
  std::set<std::string_view> seen;
  for (const auto& set : change.sets()) {
    const FieldDef* field = FormRegistry::FindField(form, set.field());
    if (field == nullptr) return Status::Invalid(form.id() + ": unknown field " + Quote(set.field()));
    if (!seen.insert(set.field()).second) {
      return Status::Invalid(form.id() + ": field " + Quote(set.field()) + " is set twice in one change");
    }
    if (!set.has_value() || IsEmptyValue(set.value())) {
      if (field->required()) {
        return Status::Invalid(form.id() + ": field " + Quote(field->name()) + " is required and cannot be cleared");
      }
      continue;
    }
    WS_RETURN_IF_ERROR(ValidateValue(form, *field, set.value()));
  }
  return Status::Ok();
}

}  // namespace wardsync::forms_util

#include "common/forms/value_text.h"

#include "common/attach/attachment_value.h"

#include <cmath>
#include <optional>
#include <set>

#include "common/forms/calendar_date.h"
#include "common/forms/time_of_day.h"
#include "common/forms/json_text.h"
#include "common/forms/number_text.h"
#include "common/forms/quote.h"
#include "common/forms/utf8.h"
#include "common/forms/validator.h"

namespace wardsync::forms_util {
namespace {

using wardsync::changes::Value;
using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;

Status Refuse(const FormDef& form, const FieldDef& field, std::string_view text, const std::string& expected) {
  return Status::Invalid(form.id() + ": field " + Quote(field.name()) + ": " + Quote(text) + " " + expected);
}

std::string ChoiceList(const FieldDef& field) {
  if (field.choices_size() == 0 && !field.choice_list().empty()) {
    return "(the choice list " + Quote(field.choice_list()) + " is not published here yet; sync, or ask the committee)";
  }
  // A published list may hold hundreds of candidates: name the first ones.
  constexpr int kShown = 20;
  std::string out;
  for (int i = 0; i < field.choices_size() && i < kShown; ++i) out += (out.empty() ? "" : ", ") + field.choices(i).value();
  if (field.choices_size() > kShown) {
    out += " and " + std::to_string(field.choices_size() - kShown) + " more (wardsync forms show)";
  }
  return out;
}

bool IsChoice(const FieldDef& field, std::string_view v) {
  for (const auto& c : field.choices()) {
    if (c.value() == v) return true;
  }
  return false;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Folds the spellings of có/không an officer's keyboard may produce: any
// letter case, and the decomposed form (o + combining accent) some input
// methods send, onto lower-case precomposed text.
std::string FoldBoolean(std::string_view text) {
  std::string s;
  for (char c : text) s.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  auto replace = [&s](std::string_view from, std::string_view to) {
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  };
  replace("\xC3\x93", "\xC3\xB3");   // Ó -> ó
  replace("\xC3\x94", "\xC3\xB4");   // Ô -> ô
  replace("o\xCC\x81", "\xC3\xB3");  // o + U+0301 -> ó
  replace("o\xCC\x82", "\xC3\xB4");  // o + U+0302 -> ô
  return s;
}

std::optional<bool> ParseBoolean(std::string_view text) {
  const std::string s = FoldBoolean(text);
  if (s == "true" || s == "yes" || s == "1" || s == "c\xC3\xB3") return true;
  if (s == "false" || s == "no" || s == "0" || s == "kh\xC3\xB4ng") return false;
  return std::nullopt;
}

bool LooksInteger(std::string_view t) {
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) t.remove_prefix(1);
  return !t.empty() && t.find_first_not_of("0123456789") == std::string_view::npos;
}

Result<Value> ParseRaw(const FormDef& form, const FieldDef& field, std::string_view text) {
  Value v;
  switch (field.type()) {
    case FieldDef::INTEGER: {
      auto n = ParseInt64(text);
      if (!n) return Refuse(form, field, text, LooksInteger(text) ? "is out of the integer range" : "is not an integer");
      v.set_integer(*n);
      return v;
    }
    case FieldDef::DECIMAL: {
      auto d = ParseFiniteDouble(text);
      if (!d) {
        // Vietnamese writes 2,5 for 2.5; say so rather than just "no".
        bool comma = text.find(',') != std::string_view::npos;
        return Refuse(form, field, text, comma ? "is not a number (use '.' as the decimal point)" : "is not a number");
      }
      v.set_decimal(*d);
      return v;
    }
    case FieldDef::TEXT:
      if (!IsValidUtf8(text)) return Status::Invalid(form.id() + ": field " + Quote(field.name()) + ": the text is not valid UTF-8");
      v.set_text(std::string(text));
      return v;
    case FieldDef::BOOLEAN: {
      auto b = ParseBoolean(text);
      if (!b) return Refuse(form, field, text, "is not a yes/no value (true/false, yes/no, 1/0, có/không)");
      v.set_boolean(*b);
      return v;
    }
    case FieldDef::DATE:
      if (!IsCalendarDate(text)) return Refuse(form, field, text, "is not a real date in the form YYYY-MM-DD");
      v.set_date(std::string(text));
      return v;
    case FieldDef::TIME: {
      // "7:30" is read as "07:30": the clock face, not the stored form.
      std::string t(TrimSpaces(text));
      if (t.size() == 4 && t[1] == ':') t.insert(0, "0");
      if (!IsTimeOfDay(t)) return Refuse(form, field, text, "is not a time of day in the form HH:MM (00:00-23:59)");
      v.set_time(std::move(t));
      return v;
    }
    case FieldDef::GROUP: {
      // A row marker: the row's position.
      auto n = ParseInt64(text);
      if (!n) return Refuse(form, field, text, "is not a row position (an integer)");
      v.set_integer(*n);
      return v;
    }
    case FieldDef::SINGLE_CHOICE: {
      std::string_view c = TrimSpaces(text);
      if (!IsChoice(field, c)) return Refuse(form, field, text, "is not one of: " + ChoiceList(field));
      v.set_choice(std::string(c));
      return v;
    }
    case FieldDef::MULTIPLE_CHOICE: {
      if (TrimSpaces(text).empty()) return Refuse(form, field, text, "is empty; expected one or more of: " + ChoiceList(field));
      auto* list = v.mutable_choices();
      std::set<std::string_view> seen;
      size_t start = 0;
      while (true) {
        size_t comma = text.find(',', start);
        std::string_view item = TrimSpaces(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
        if (!IsChoice(field, item)) return Refuse(form, field, item, "is not one of: " + ChoiceList(field));
        if (!seen.insert(item).second) return Refuse(form, field, item, "is listed twice");
        list->add_values(std::string(item));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return v;
    }
    case FieldDef::ATTACHMENT: {
      auto a = attach::ParseText(text);
      if (!a.ok()) return Status::Invalid(form.id() + ": field " + Quote(field.name()) + ": " + a.status().message());
      *v.mutable_attachment() = std::move(a).value();
      return v;
    }
    default:
      return Status::Invalid(form.id() + ": field " + Quote(field.name()) + " has no type");
  }
}

}  // namespace

Result<Value> ParseValue(const FormDef& form, const FieldDef& field, std::string_view text) {
  auto v = ParseRaw(form, field, text);
  if (!v.ok()) return v;
  WS_RETURN_IF_ERROR(ValidateValue(form, field, *v));
  return v;
}

std::string FormatValue(const Value& value) {
  switch (value.kind_case()) {
    case Value::kInteger: return std::to_string(value.integer());
    case Value::kDecimal: return FormatDouble(value.decimal());
    case Value::kText: return value.text();
    case Value::kBoolean: return value.boolean() ? "true" : "false";
    case Value::kDate: return value.date();
    case Value::kTime: return value.time();
    case Value::kChoice: return value.choice();
    case Value::kAttachment: return attach::FormatText(value.attachment());
    case Value::kChoices: {
      std::string out;
      for (const auto& c : value.choices().values()) out += (out.empty() ? "" : ",") + c;
      return out;
    }
    default: return "";
  }
}

void AppendValueJson(const Value& value, std::string* out) {
  switch (value.kind_case()) {
    case Value::kInteger: out->append(std::to_string(value.integer())); break;
    case Value::kDecimal:
      out->append(std::isfinite(value.decimal()) ? FormatDouble(value.decimal()) : "null");
      break;
    case Value::kText: AppendJsonString(value.text(), out); break;
    case Value::kBoolean: out->append(value.boolean() ? "true" : "false"); break;
    case Value::kDate: AppendJsonString(value.date(), out); break;
    case Value::kTime: AppendJsonString(value.time(), out); break;
    case Value::kChoice: AppendJsonString(value.choice(), out); break;
    case Value::kAttachment: out->append(attach::FormatText(value.attachment())); break;
    case Value::kChoices: {
      out->push_back('[');
      bool first = true;
      for (const auto& c : value.choices().values()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(c, out);
      }
      out->push_back(']');
      break;
    }
    default: out->append("null");
  }
}

}  // namespace wardsync::forms_util

#include "common/forms/value_check.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "common/attach/attachment_value.h"
#include "common/forms/calendar_date.h"
#include "common/forms/number_text.h"
#include "common/forms/quote.h"
#include "common/forms/time_of_day.h"
#include "common/forms/utf8.h"

namespace wardsync::forms_util {
namespace {

using wardsync::changes::Value;
using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;

constexpr uint32_t kDefaultMaxLength = 2000;

Value::KindCase ExpectedKind(FieldDef::Type type) {
  switch (type) {
    case FieldDef::INTEGER: return Value::kInteger;
    case FieldDef::DECIMAL: return Value::kDecimal;
    case FieldDef::TEXT: return Value::kText;
    case FieldDef::BOOLEAN: return Value::kBoolean;
    case FieldDef::DATE: return Value::kDate;
    case FieldDef::TIME: return Value::kTime;
    case FieldDef::SINGLE_CHOICE: return Value::kChoice;
    case FieldDef::MULTIPLE_CHOICE: return Value::kChoices;
    case FieldDef::GROUP: return Value::kInteger;  // a row marker: the row's position
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
    case Value::kTime: return "a time";
    case Value::kChoice: return "one choice";
    case Value::kChoices: return "a list of choices";
    case Value::kAttachment: return "an attachment";
    default: return "no value";
  }
}

const char* KindNameVi(Value::KindCase kind) {
  switch (kind) {
    case Value::kInteger: return "số nguyên";
    case Value::kDecimal: return "số thập phân";
    case Value::kText: return "văn bản";
    case Value::kBoolean: return "có/không";
    case Value::kDate: return "ngày";
    case Value::kTime: return "giờ";
    case Value::kChoice: return "một lựa chọn";
    case Value::kChoices: return "danh sách lựa chọn";
    case Value::kAttachment: return "tệp đính kèm";
    default: return "không có giá trị";
  }
}

bool IsChoice(const FieldDef& field, std::string_view v) {
  // A field fed by a published choice list (choice_list) holds the values of
  // every version of that list as choices once the registry resolved it
  // (form_registry.h); an unpublished list holds none, so nothing is valid.
  return std::any_of(field.choices().begin(), field.choices().end(), [&](const auto& c) { return c.value() == v; });
}

}  // namespace

Problem FieldProblem(const FormDef& form, std::string_view path, std::string code,
                     std::vector<std::pair<std::string, std::string>> params, const std::string& en, const std::string& vi) {
  Problem p;
  p.code = std::move(code);
  p.params = std::move(params);
  p.params.insert(p.params.begin(), {"field", std::string(path)});
  p.field = std::string(path);
  p.en = form.id() + ": field " + Quote(path) + en;
  p.vi = form.id() + ": trường " + Quote(path) + vi;
  return p;
}

std::optional<Problem> CheckValue(const FormDef& form, const FieldDef& field, std::string_view path, const Value& value) {
  auto fail = [&](std::string code, std::vector<std::pair<std::string, std::string>> params, const std::string& en,
                  const std::string& vi) { return FieldProblem(form, path, std::move(code), std::move(params), ": " + en, ": " + vi); };
  const Value::KindCase expected = ExpectedKind(field.type());
  if (value.kind_case() != expected) {
    return fail("wrong_type", {{"expected", KindName(expected)}, {"got", KindName(value.kind_case())}},
                std::string("expected ") + KindName(expected) + ", got " + KindName(value.kind_case()),
                std::string("cần ") + KindNameVi(expected) + ", nhận được " + KindNameVi(value.kind_case()));
  }
  if (field.type() == FieldDef::GROUP) return std::nullopt;  // any position will do
  switch (value.kind_case()) {
    case Value::kInteger:
    case Value::kDecimal: {
      std::string shown;
      bool below, above;
      if (value.kind_case() == Value::kInteger) {
        // INTEGER bounds are whole int64 values (CheckFormDef): exact.
        const int64_t v = value.integer();
        shown = std::to_string(v);
        below = field.has_min() && v < static_cast<int64_t>(field.min());
        above = field.has_max() && v > static_cast<int64_t>(field.max());
      } else {
        const double v = value.decimal();
        if (!std::isfinite(v)) return fail("not_finite", {}, "the value is not a finite number", "giá trị không phải là số hữu hạn");
        shown = FormatDouble(v);
        below = field.has_min() && v < field.min();
        above = field.has_max() && v > field.max();
      }
      if (below) {
        const std::string min = FormatDouble(field.min());
        return fail("below_min", {{"value", shown}, {"min", min}}, shown + " is below the minimum " + min,
                    shown + " nhỏ hơn giá trị tối thiểu " + min);
      }
      if (above) {
        const std::string max = FormatDouble(field.max());
        return fail("above_max", {{"value", shown}, {"max", max}}, shown + " is above the maximum " + max,
                    shown + " lớn hơn giá trị tối đa " + max);
      }
      return std::nullopt;
    }
    case Value::kText: {
      auto length = Utf8Length(value.text());
      if (!length) return fail("bad_utf8", {}, "the text is not valid UTF-8", "văn bản không phải UTF-8 hợp lệ");
      const uint32_t max = field.max_length() == 0 ? kDefaultMaxLength : field.max_length();
      if (*length > max) {
        const std::string n = std::to_string(*length), m = std::to_string(max);
        return fail("too_long", {{"length", n}, {"max", m}}, "the text is " + n + " characters long, the maximum is " + m,
                    "văn bản dài " + n + " ký tự, tối đa " + m);
      }
      return std::nullopt;
    }
    case Value::kDate:
      if (!IsCalendarDate(value.date())) {
        return fail("bad_date", {{"value", value.date()}}, Quote(value.date()) + " is not a real date in the form YYYY-MM-DD",
                    Quote(value.date()) + " không phải là ngày hợp lệ dạng YYYY-MM-DD");
      }
      return std::nullopt;
    case Value::kTime:
      if (!IsTimeOfDay(value.time())) {
        return fail("bad_time", {{"value", value.time()}}, Quote(value.time()) + " is not a time of day in the form HH:MM",
                    Quote(value.time()) + " không phải là giờ hợp lệ dạng HH:MM");
      }
      return std::nullopt;
    case Value::kChoice:
      if (!IsChoice(field, value.choice())) {
        return fail("not_a_choice", {{"value", value.choice()}}, Quote(value.choice()) + " is not one of the choices",
                    Quote(value.choice()) + " không có trong danh sách lựa chọn");
      }
      return std::nullopt;
    case Value::kChoices: {
      std::set<std::string_view> seen;
      for (const auto& v : value.choices().values()) {
        if (!IsChoice(field, v)) {
          return fail("not_a_choice", {{"value", v}}, Quote(v) + " is not one of the choices",
                      Quote(v) + " không có trong danh sách lựa chọn");
        }
        if (!seen.insert(v).second) {
          return fail("chosen_twice", {{"value", v}}, Quote(v) + " is chosen twice", Quote(v) + " được chọn hai lần");
        }
      }
      return std::nullopt;
    }
    case Value::kAttachment:
      // The reference only (hash, size, type, name): the bytes are checked
      // by the server when they arrive (server/attach).
      if (auto why = attach::CheckValue(field, value.attachment()); !why.empty()) {
        return fail("bad_attachment", {{"why", why}}, why, "tệp đính kèm không hợp lệ (" + why + ")");
      }
      return std::nullopt;
    default: return std::nullopt;  // booleans have nothing more to check
  }
}

}  // namespace wardsync::forms_util

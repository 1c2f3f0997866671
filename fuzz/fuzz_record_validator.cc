// The record validator as a server sees it: field texts parsed against the
// form (ParseValue), whole records checked (ValidateRecordFields), and raw
// Change messages (as a device could send them) checked field by field
// (ValidateChangeFields). Errors are fine; crashes, hangs and UB are not.
//
// Input: byte 0 picks the form and the mode; the rest is either
// "name=value\n" lines (names may be repeat-group rows, "group[row].sub"),
// a serialized changes.Change, or (bit 0x40) a JSON object of values as
// `wardsync new --from-json` takes it. Every mode ends in Evaluate (rules,
// conditions, computed fields over groups).
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/forms/evaluation.h"
#include "common/forms/field_path.h"
#include "common/forms/form_registry.h"
#include "common/forms/json_values.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"
#include "fuzz/forms_for_fuzz.h"
#include "proto/changes.pb.h"
#include "proto/records.pb.h"

using namespace wardsync;

// Once per process, outside the per-input timeout: load the forms (and the
// key) and drop protobuf's log lines about invalid UTF-8 (expected here).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int, const std::string&) {});
  (void)fuzz::ElectionForms();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& registry = fuzz::ElectionForms();
  const auto all = registry.All();
  const forms::FormDef& form = *all[data[0] % all.size()];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);

  if (data[0] & 0x80) {
    changes::Change change;
    if (!change.ParseFromArray(rest.data(), static_cast<int>(rest.size()))) return 0;
    change.set_form_id(form.id());
    change.set_form_version(form.version());
    (void)forms_util::ValidateChangeFields(form, change);
    google::protobuf::Map<std::string, records::FieldState> fields;
    for (const auto& set : change.sets()) *fields[set.field()].mutable_value() = set.value();
    (void)forms_util::ValidateRecordFields(form, fields);
    return 0;
  }

  if (data[0] & 0x40) {
    auto texts = forms_util::JsonToFieldTexts(form, rest, nullptr);
    if (!texts.ok()) return 0;
    google::protobuf::Map<std::string, records::FieldState> fields;
    for (const auto& [name, text] : *texts) {
      const auto* field = forms_util::ResolveField(form, name);
      if (field == nullptr) __builtin_trap();  // the converter only makes names of the form
      auto value = forms_util::ParseValue(form, *field, text);
      if (value.ok()) *fields[name].mutable_value() = *value;
    }
    (void)forms_util::Evaluate(form, fields);
    return 0;
  }

  google::protobuf::Map<std::string, records::FieldState> fields;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const auto* field = forms_util::ResolveField(form, line.substr(0, eq));
    if (!field) {
      fields[std::string(line.substr(0, eq))];  // unknown names must be refused too
      continue;
    }
    auto value = forms_util::ParseValue(form, *field, line.substr(eq + 1));
    if (!value.ok()) continue;
    (void)forms_util::ValidateValue(form, *field, *value);
    // What is parsed must print and parse back to the same value.
    auto again = forms_util::ParseValue(form, *field, forms_util::FormatValue(*value));
    if (!again.ok() || again->SerializeAsString() != value->SerializeAsString()) __builtin_trap();
    *fields[std::string(line.substr(0, eq))].mutable_value() = *value;
  }
  (void)forms_util::ValidateRecordFields(form, fields);
  return 0;
}

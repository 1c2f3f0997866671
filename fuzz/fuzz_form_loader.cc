// Form definitions are JSON written by hand and published by administrators;
// the loader must refuse anything malformed with an error, never crash.
// Expressions (rules, relevant, compute) are parsed and type-checked there.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/forms/evaluation.h"
#include "common/forms/form_loader.h"

// Once per process, outside the per-input timeout: load the forms (and the
// key) and drop protobuf's log lines about invalid UTF-8 (expected here).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int, const std::string&) {});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  auto form = wardsync::forms_util::ParseFormJson(json, "fuzz");
  if (!form.ok()) return 0;
  (void)form->SerializeAsString();
  // A definition that loads has expressions that compile: evaluating them on
  // an empty record must never fail to compile or crash.
  google::protobuf::Map<std::string, wardsync::records::FieldState> none;
  for (const auto& p : wardsync::forms_util::Evaluate(*form, none).problems) {
    if (p.code == "bad_expression") __builtin_trap();
  }
  return 0;
}

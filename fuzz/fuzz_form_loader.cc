// Form definitions are JSON written by hand and published by administrators;
// the loader must refuse anything malformed with an error, never crash.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

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
  if (form.ok()) (void)form->SerializeAsString();
  return 0;
}

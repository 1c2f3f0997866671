// Form definitions are JSON written by hand and published by administrators;
// the loader must refuse anything malformed with an error, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/forms/form_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  auto form = wardsync::forms_util::ParseFormJson(json, "fuzz");
  if (form.ok()) (void)form->SerializeAsString();
  return 0;
}

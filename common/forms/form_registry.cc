#include "common/forms/form_registry.h"

#include <google/protobuf/util/message_differencer.h>

#include <utility>

#include "common/forms/field_path.h"
#include "common/forms/form_check.h"

namespace wardsync::forms_util {

using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;

Status FormRegistry::Add(FormDef form) {
  WS_RETURN_IF_ERROR(CheckFormDef(form, ""));
  auto& versions = forms_[form.id()];
  auto it = versions.find(form.version());
  if (it != versions.end()) {
    // Compare fields, not serialized bytes: serialization is not canonical.
    if (google::protobuf::util::MessageDifferencer::Equals(it->second, form)) return Status::Ok();
    return Status::Exists("form \"" + form.id() + "\" version " + std::to_string(form.version()) +
                          " is already known with a different definition; publish it as a new version");
  }
  const uint32_t version = form.version();
  versions.emplace(version, std::move(form));
  return Status::Ok();
}

const FormDef* FormRegistry::Find(std::string_view id, uint32_t version) const {
  auto it = forms_.find(id);
  if (it == forms_.end()) return nullptr;
  auto v = it->second.find(version);
  return v == it->second.end() ? nullptr : &v->second;
}

const FormDef* FormRegistry::Latest(std::string_view id) const {
  auto it = forms_.find(id);
  if (it == forms_.end() || it->second.empty()) return nullptr;
  return &it->second.rbegin()->second;
}

std::vector<const FormDef*> FormRegistry::All() const {
  std::vector<const FormDef*> out;
  for (const auto& [id, versions] : forms_) {
    for (const auto& [version, form] : versions) out.push_back(&form);
  }
  return out;
}

const FieldDef* FormRegistry::FindField(const FormDef& form, std::string_view name) {
  // Stored names of repeat-group rows resolve too, so every command that
  // takes a field name (correct, resolve, --set) takes "group[row].sub".
  return ResolveField(form, name);
}

}  // namespace wardsync::forms_util

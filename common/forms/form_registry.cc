#include "common/forms/form_registry.h"

#include <google/protobuf/util/message_differencer.h>

#include <set>
#include <utility>

#include "common/forms/choice_list.h"
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
    if (google::protobuf::util::MessageDifferencer::Equals(it->second.published, form)) return Status::Ok();
    return Status::Exists("form \"" + form.id() + "\" version " + std::to_string(form.version()) +
                          " is already known with a different definition; publish it as a new version");
  }
  const uint32_t version = form.version();
  Versions v{form, form};
  Resolve(&v.resolved);
  versions.emplace(version, std::move(v));
  return Status::Ok();
}

Status FormRegistry::AddChoiceList(wardsync::forms::ChoiceListDef list) {
  WS_RETURN_IF_ERROR(CheckChoiceList(list, ""));
  auto& versions = lists_[list.id()];
  auto it = versions.find(list.version());
  if (it != versions.end()) {
    if (google::protobuf::util::MessageDifferencer::Equals(it->second, list)) return Status::Ok();
    return Status::Exists("choice list \"" + list.id() + "\" version " + std::to_string(list.version()) +
                          " is already known with different entries; publish it as version " +
                          std::to_string(versions.rbegin()->first + 1));
  }
  versions.emplace(list.version(), std::move(list));
  // Resolved copies change in place, so pointers handed out stay valid; a
  // registry is filled before it is shared, so nobody reads it meanwhile.
  for (auto& [id, forms] : forms_) {
    for (auto& [version, v] : forms) {
      v.resolved = v.published;
      Resolve(&v.resolved);
    }
  }
  return Status::Ok();
}

void FormRegistry::Resolve(FormDef* form) const { ResolveFields(form->mutable_fields()); }

void FormRegistry::ResolveFields(google::protobuf::RepeatedPtrField<FieldDef>* fields) const {
  for (auto& f : *fields) {
    ResolveFields(f.mutable_fields());
    if (f.choice_list().empty()) continue;
    f.clear_choices();
    auto it = lists_.find(f.choice_list());
    if (it == lists_.end()) continue;  // not published (yet): no value is valid
    std::set<std::string> seen;
    // Newest version first: its order and labels are what officers see; a
    // value only older versions hold stays valid for the records made then.
    for (auto v = it->second.rbegin(); v != it->second.rend(); ++v) {
      for (const auto& e : v->second.entries()) {
        if (!seen.insert(e.value()).second) continue;
        auto* c = f.add_choices();
        c->set_value(e.value());
        c->set_label(e.label());
      }
    }
  }
}

const FormDef* FormRegistry::Find(std::string_view id, uint32_t version) const {
  auto it = forms_.find(id);
  if (it == forms_.end()) return nullptr;
  auto v = it->second.find(version);
  return v == it->second.end() ? nullptr : &v->second.resolved;
}

const FormDef* FormRegistry::Latest(std::string_view id) const {
  auto it = forms_.find(id);
  if (it == forms_.end() || it->second.empty()) return nullptr;
  return &it->second.rbegin()->second.resolved;
}

std::vector<const FormDef*> FormRegistry::All() const {
  std::vector<const FormDef*> out;
  for (const auto& [id, versions] : forms_) {
    for (const auto& [version, v] : versions) out.push_back(&v.resolved);
  }
  return out;
}

std::vector<const FormDef*> FormRegistry::Published() const {
  std::vector<const FormDef*> out;
  for (const auto& [id, versions] : forms_) {
    for (const auto& [version, v] : versions) out.push_back(&v.published);
  }
  return out;
}

bool FormRegistry::HasChoiceList(std::string_view id, uint32_t version) const {
  auto it = lists_.find(id);
  return it != lists_.end() && it->second.count(version) > 0;
}

const wardsync::forms::ChoiceListDef* FormRegistry::LatestChoiceList(std::string_view id) const {
  auto it = lists_.find(id);
  if (it == lists_.end() || it->second.empty()) return nullptr;
  return &it->second.rbegin()->second;
}

std::vector<const wardsync::forms::ChoiceListDef*> FormRegistry::ChoiceLists() const {
  std::vector<const wardsync::forms::ChoiceListDef*> out;
  for (const auto& [id, versions] : lists_) {
    for (const auto& [version, list] : versions) out.push_back(&list);
  }
  return out;
}

const FieldDef* FormRegistry::FindField(const FormDef& form, std::string_view name) {
  // Stored names of repeat-group rows resolve too, so every command that
  // takes a field name (correct, resolve, --set) takes "group[row].sub".
  return ResolveField(form, name);
}

}  // namespace wardsync::forms_util

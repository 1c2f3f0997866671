#include "common/forms/offered_form.h"

#include "common/forms/choice_list.h"

namespace wardsync::forms_util {
namespace {

void Offer(const FormRegistry& registry, google::protobuf::RepeatedPtrField<wardsync::forms::FieldDef>* fields,
           std::string_view ward) {
  for (auto& f : *fields) {
    Offer(registry, f.mutable_fields(), ward);
    if (f.choice_list().empty()) continue;
    f.clear_choices();
    const auto* list = registry.LatestChoiceList(f.choice_list());
    if (list == nullptr) continue;  // not published here yet: nothing to offer
    for (const auto* e : OfferedEntries(*list, ward)) {
      auto* c = f.add_choices();
      c->set_value(e->value());
      c->set_label(e->label());
    }
  }
}

void Groups(const FormRegistry& registry, const google::protobuf::RepeatedPtrField<wardsync::forms::FieldDef>& fields,
            ChoiceGroups* out) {
  for (const auto& f : fields) {
    Groups(registry, f.fields(), out);
    if (f.choice_list().empty() || out->count(f.choice_list())) continue;
    const auto* list = registry.LatestChoiceList(f.choice_list());
    if (list == nullptr) continue;
    auto& groups = (*out)[f.choice_list()];
    for (const auto& e : list->entries()) {
      if (!e.group().empty()) groups[e.value()] = e.group();
    }
  }
}

}  // namespace

ChoiceGroups OfferedGroups(const FormRegistry& registry, const wardsync::forms::FormDef& form) {
  ChoiceGroups out;
  Groups(registry, form.fields(), &out);
  return out;
}

wardsync::forms::FormDef OfferedForm(const FormRegistry& registry, const wardsync::forms::FormDef& form,
                                     std::string_view ward) {
  wardsync::forms::FormDef out = form;
  Offer(registry, out.mutable_fields(), ward);
  return out;
}

}  // namespace wardsync::forms_util

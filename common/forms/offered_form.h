// What an officer is offered: a form whose choice-list fields carry only the
// entries of the newest version of their list that belong to the officer's
// ward or to no ward, with their labels. The officer app's form definitions
// and `wardsync forms` show this; the validator keeps checking against every
// value (form_registry.h).
#pragma once
#include <map>
#include <string>
#include <string_view>

#include "common/forms/form_registry.h"

namespace wardsync::forms_util {

wardsync::forms::FormDef OfferedForm(const FormRegistry& registry, const wardsync::forms::FormDef& form,
                                     std::string_view ward);

// The group of every entry that has one ("Quốc hội khóa XV – Đơn vị bầu cử
// số 1"), by list id then value, for the lists the form's fields name (the
// newest version of each): a long list of candidates reads by constituency
// (the officer app's <optgroup>, `wardsync forms`) while a choice's label
// stays the person's name, which fits a phone screen.
using ChoiceGroups = std::map<std::string, std::map<std::string, std::string>>;
ChoiceGroups OfferedGroups(const FormRegistry& registry, const wardsync::forms::FormDef& form);

}  // namespace wardsync::forms_util

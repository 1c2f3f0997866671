// What an officer is offered: a form whose choice-list fields carry only the
// entries of the newest version of their list that belong to the officer's
// ward or to no ward, labelled with their group ("Nguyễn Văn Hùng — Quốc
// hội khóa XV – Đơn vị bầu cử số 1") so a long list of candidates reads.
// The officer app's form definitions and `wardsync forms` show this; the
// validator keeps checking against every value (form_registry.h).
#pragma once
#include <string_view>

#include "common/forms/form_registry.h"

namespace wardsync::forms_util {

wardsync::forms::FormDef OfferedForm(const FormRegistry& registry, const wardsync::forms::FormDef& form,
                                     std::string_view ward);

}  // namespace wardsync::forms_util

#include "common/reconcile/form_rules.h"

#include "common/forms/validator.h"

namespace wardsync::reconcile {

RuleCheck FormRules(const forms_util::FormRegistry& registry) {
  return [&registry](const records::RecordState& record) {
    std::vector<RuleBreak> out;
    const auto* form = registry.Find(record.form_id(), record.form_version());
    if (form == nullptr) return out;
    for (auto& b : forms_util::BrokenRules(*form, record.fields())) out.push_back({std::move(b.rule), std::move(b.fields)});
    return out;
  };
}

}  // namespace wardsync::reconcile

#include "server/audit/report_choices.h"

#include "server/audit/report_readiness.h"
#include "server/audit/report_turnout.h"
#include "server/audit/report_votes.h"

namespace wardsync::server::audit {

void AddPublishedChoices(const forms_util::FormRegistry& registry, ReportContext* ctx) {
  for (const auto* list : registry.ChoiceLists()) {  // by id, then version: the newest label wins
    for (const auto& e : list->entries()) ctx->choice_labels[e.value()] = e.label();
  }
  for (const auto* form : registry.All()) {  // by id, then version
    for (const auto& f : form->fields()) {
      for (const auto& c : f.choices()) ctx->field_labels[form->id() + "/" + f.name()][c.value()] = c.label();
    }
  }
  for (const char* id : {kTurnoutForm, kReadinessForm, kTallyMinutesForm}) {
    const auto* form = registry.Latest(id);
    const auto* field = form ? forms_util::FormRegistry::FindField(*form, "polling_area") : nullptr;
    const auto* list = field && !field->choice_list().empty() ? registry.LatestChoiceList(field->choice_list()) : nullptr;
    if (list == nullptr) continue;
    for (const auto& e : list->entries()) {
      if (!e.ward().empty()) ctx->ward_areas[e.ward()].insert(e.value());
    }
  }
}

}  // namespace wardsync::server::audit

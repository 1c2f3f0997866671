// The RuleCheck reconcile::Apply takes, from published forms: the rules of
// the record's own form version (forms_util::BrokenRules). Used alike by
// server ingest and the server's replay (history, verify), so both open and
// close the same RULE conflicts. A (form, version) never changes once
// published, so replaying later gives the same answers.
#pragma once
#include "common/forms/form_registry.h"
#include "common/reconcile/merge.h"

namespace wardsync::reconcile {

// `registry` must outlive the returned function.
RuleCheck FormRules(const forms_util::FormRegistry& registry);

}  // namespace wardsync::reconcile

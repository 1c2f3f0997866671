// What `report` takes from the published forms and lists before it reads a
// record: the labels of list values and of each form's own choices (shown
// beside the values the figures are keyed by), and the polling areas of
// each ward (what "missing" / "not checked yet" count from).
#pragma once
#include "common/forms/form_registry.h"
#include "server/audit/report_common.h"

namespace wardsync::server::audit {

// Labels: every version, the newest label of a value winning. Areas: the
// newest version of each list a `polling_area` field names in the latest
// version of turnout-report, polling-station-readiness or tally-minutes,
// entries that name a ward (an entry for every ward names none and cannot
// be expected of one ward).
void AddPublishedChoices(const forms_util::FormRegistry& registry, ReportContext* ctx);

}  // namespace wardsync::server::audit

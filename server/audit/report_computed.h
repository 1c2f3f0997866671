// Computed fields (FieldDef.compute) are not stored in records: the engine
// works them out whenever a record is read (common/forms/evaluation.h), and
// an officer cannot set one. The report's sections read stored values, so
// before a record is added the report fills in the computed values of the
// record's own form version, the same values the officer app shows (e.g.
// complaint 3's `due_date`). A value that cannot be computed (a field
// still empty, a division by zero) stays empty, as in the officer app.
#pragma once
#include "common/forms/form_registry.h"
#include "proto/records.pb.h"

namespace wardsync::server::audit {

// Sets every computed field of `r` that its form version (looked up in
// `registry`) computes to a value. A record of an unknown form version, or
// of a version without computed fields, is left as it is (no evaluation).
void FillComputed(const forms_util::FormRegistry& registry, wardsync::records::RecordState* r);

}  // namespace wardsync::server::audit

// The form evaluation of the records an ingest group applies changes to,
// done once per applied change. reconcile::Apply asks for the rules the
// changed record breaks (RULE conflicts) and ingest then validates the same
// record when its editor saw it whole: both come from one evaluation
// (forms_util::Evaluate, ~35% of the committer's work per record when it ran
// twice), with the group's compiled expressions kept across records.
//
// One per IngestGroup (the committer's thread). It holds the forms snapshot
// whose definitions its compiled expressions point into, and starts afresh
// when the snapshot changes (a publish between groups).
#pragma once
#include <memory>
#include <optional>
#include <vector>

#include "common/forms/evaluation.h"
#include "common/forms/expr_cache.h"
#include "common/reconcile/merge.h"
#include "common/status.h"
#include "proto/records.pb.h"
#include "server/server_context.h"

namespace wardsync::server {

class RecordEvaluator {
 public:
  // Call before each reconcile::Apply: forgets the last evaluation and
  // follows `forms` (the snapshot the change is applied with).
  // `values_checked`: the record is made from scratch by a change whose
  // field sets were checked against these forms (forms_util::Evaluate).
  void Begin(std::shared_ptr<const FormsSnapshot::Data> forms, bool values_checked = false);
  // For reconcile::Apply: evaluates the record and keeps the evaluation.
  reconcile::RuleCheck Rules();
  // The first problem of `record` against `form` (ok when null), from the
  // evaluation Rules() made of this very record against the same form
  // during the Apply just before (Apply changes only conflicts after it),
  // else evaluated now.
  Status Validate(const wardsync::records::RecordState& record, const wardsync::forms::FormDef* form);

 private:
  const wardsync::forms::FormDef* FormOf(const wardsync::records::RecordState& record) const;

  std::shared_ptr<const FormsSnapshot::Data> forms_;
  std::unique_ptr<forms_util::ExprCache> exprs_ = std::make_unique<forms_util::ExprCache>();
  std::optional<forms_util::FormEvaluation> last_;
  const wardsync::records::RecordState* last_of_ = nullptr;
  const wardsync::forms::FormDef* last_form_ = nullptr;
  bool values_checked_ = false;
};

}  // namespace wardsync::server

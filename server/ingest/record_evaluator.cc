#include "server/ingest/record_evaluator.h"

namespace wardsync::server {

void RecordEvaluator::Begin(std::shared_ptr<const FormsSnapshot::Data> forms, bool values_checked) {
  values_checked_ = values_checked;
  if (forms != forms_) {
    exprs_ = std::make_unique<forms_util::ExprCache>();  // its expressions point into the old definitions
    forms_ = std::move(forms);
  }
  last_.reset();
  last_of_ = nullptr;
  last_form_ = nullptr;
}

const wardsync::forms::FormDef* RecordEvaluator::FormOf(const wardsync::records::RecordState& record) const {
  return forms_ ? forms_->registry.Find(record.form_id(), record.form_version()) : nullptr;
}

reconcile::RuleCheck RecordEvaluator::Rules() {
  return [this](const wardsync::records::RecordState& record) {
    std::vector<reconcile::RuleBreak> out;
    const auto* form = FormOf(record);
    last_.reset();
    last_of_ = nullptr;
    if (form == nullptr) return out;
    last_ = forms_util::Evaluate(*form, record.fields(), exprs_.get(), values_checked_);
    last_of_ = &record;
    last_form_ = form;
    for (const auto& b : last_->broken_rules) out.push_back({b.rule, b.fields});
    return out;
  };
}

Status RecordEvaluator::Validate(const wardsync::records::RecordState& record, const wardsync::forms::FormDef* form) {
  if (form == nullptr) return Status::Ok();
  if (last_of_ != &record || last_form_ != form || !last_) {
    last_ = forms_util::Evaluate(*form, record.fields(), exprs_.get(), values_checked_);
  }
  last_of_ = nullptr;  // used once
  last_form_ = nullptr;
  if (last_->problems.empty()) return Status::Ok();
  return Status::Invalid(last_->problems.front().en);
}

}  // namespace wardsync::server

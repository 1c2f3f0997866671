#include "server/audit/report_computed.h"

#include "common/forms/evaluation.h"

namespace wardsync::server::audit {
namespace {

bool Computes(const wardsync::forms::FormDef& form) {
  for (const auto& f : form.fields()) {
    if (!f.compute().empty()) return true;
    for (const auto& sub : f.fields()) {
      if (!sub.compute().empty()) return true;
    }
  }
  return false;
}

}  // namespace

void FillComputed(const forms_util::FormRegistry& registry, wardsync::records::RecordState* r) {
  const auto* form = registry.Find(r->form_id(), r->form_version());
  if (form == nullptr || !Computes(*form)) return;
  auto evaluation = forms_util::Evaluate(*form, r->fields());
  for (auto& [path, value] : evaluation.computed) *(*r->mutable_fields())[path].mutable_value() = std::move(value);
}

}  // namespace wardsync::server::audit

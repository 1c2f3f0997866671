#include "server/audit/report_tally.h"

#include "common/authority/role.h"
#include "common/reconcile/review.h"
#include "common/render/record_render.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

namespace {

// The values of the fields each open broken rule names.
std::string RuleValues(const RecordState& r) {
  std::string out;
  for (const auto& c : r.conflicts()) {
    if (!c.open() || c.kind() != wardsync::records::RULE) continue;
    for (const auto& f : c.fields()) {
      if (!out.empty()) out += ", ";
      out += FieldValues(r, {f});
    }
  }
  return out;
}

}  // namespace

static_assert([]<class... S>(std::tuple<S...>*) { return (ReportSection<S> && ...); }(
                  static_cast<ReportSections*>(nullptr)),
              "every section of ReportSections has the shape of ReportSection");

void WardTally::AddRecord(const RecordState& r) {
  if (!r.placeholder()) {
    FormCount& f = forms[r.form_id()];
    if (r.deleted()) ++f.deleted;
    else ++f.live;
  }
  uint64_t open = 0;
  for (const auto& c : r.conflicts()) open += c.open() ? 1 : 0;
  open_conflicts += open;
  if (open) ++records_in_conflict;
  rule_conflicts += reconcile::OpenConflictsOfKind(r, wardsync::records::RULE);
  rejected_changes += reconcile::OpenConflictsOfKind(r, wardsync::records::REJECTED);
  if (UnderReview(r)) review.push_back({RecordHex(r), r.form_id(), render::ReviewMark(r), RuleValues(r)});
  std::apply([&](auto&... s) { (s.Add(r), ...); }, sections);
}

void WardTally::Merge(const WardTally& o) {
  for (const auto& [form, f] : o.forms) {
    forms[form].live += f.live;
    forms[form].deleted += f.deleted;
  }
  open_conflicts += o.open_conflicts;
  records_in_conflict += o.records_in_conflict;
  rule_conflicts += o.rule_conflicts;
  rejected_changes += o.rejected_changes;
  review.insert(review.end(), o.review.begin(), o.review.end());
  std::apply([&](auto&... s) { (s.Merge(std::get<std::decay_t<decltype(s)>>(o.sections)), ...); }, sections);
}

std::vector<ReviewItem> WardTally::Doubtful() const {
  std::vector<ReviewItem> out = review;
  ForEachSection([&](const auto& s) { s.Apart(&out); });
  return out;
}

bool WardTally::Overflowed() const {
  bool any = false;
  ForEachSection([&](const auto& s) { any = any || s.Overflowed(); });
  return any;
}

void ReportTally::AddDevice(const wardsync::store::Device& d) {
  if (authority::IsServerRole(d.role())) return;
  wards[d.ward()].devices.push_back(d);
}

WardTally ReportTally::Total() const {
  WardTally t;
  for (const auto& [ward, w] : wards) t.Merge(w);
  return t;
}

}  // namespace wardsync::server::audit

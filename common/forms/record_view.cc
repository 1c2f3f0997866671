#include "common/forms/record_view.h"

#include <algorithm>

#include "common/forms/field_path.h"
#include "common/forms/form_check.h"
#include "common/forms/validator.h"

namespace wardsync::forms_util {

RecordView::RecordView(const wardsync::forms::FormDef& form, const FieldMap& fields) {
  std::map<std::string, std::map<std::string, RowView>, std::less<>> rows;
  top_.reserve(fields.size());
  for (const auto& [name, state] : fields) {
    if (!state.has_value() || IsEmptyValue(state.value())) continue;
    if (name.find('[') == std::string::npos) {  // a top-level field: no parse, no copy
      if (IsFieldName(name)) top_.emplace_back(name, &state.value());  // names in a map are unique
      continue;
    }
    auto p = ParseFieldPath(name);
    if (!p) continue;
    if (p->row.empty()) continue;  // not reached: a path without '[' is handled above
    RowView& row = rows[p->field][p->row];
    row.id = p->row;
    if (p->IsRowMarker()) {
      row.position = state.value().kind_case() == wardsync::changes::Value::kInteger ? state.value().integer() : 0;
      row.values[""] = &state.value();  // the marker: the row is live
    } else {
      row.values[p->sub] = &state.value();
    }
  }
  std::sort(top_.begin(), top_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [group, by_id] : rows) {
    auto& out = rows_[group];
    for (auto& [id, row] : by_id) {
      // Sub-fields of a removed row (a removal merged with an edit) stay
      // stored but are not part of the record's rows.
      auto marker = row.values.find("");
      if (marker == row.values.end()) continue;
      row.values.erase(marker);
      out.push_back(std::move(row));
    }
    std::stable_sort(out.begin(), out.end(), [](const RowView& a, const RowView& b) { return a.position < b.position; });
  }
}

const wardsync::changes::Value* RecordView::Top(std::string_view name) const {
  auto it = std::lower_bound(top_.begin(), top_.end(), name, [](const auto& a, std::string_view n) { return a.first < n; });
  return it == top_.end() || it->first != name ? nullptr : it->second;
}

const std::vector<RowView>& RecordView::Rows(std::string_view group) const {
  static const std::vector<RowView> kNone;
  auto it = rows_.find(group);
  return it == rows_.end() ? kNone : it->second;
}

}  // namespace wardsync::forms_util

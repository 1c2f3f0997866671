// A record's stored values arranged as the form sees them: top-level
// values by name, and each repeat group's live rows in order. Built once per
// evaluation from the flat map (field_path.h).
#pragma once
#include <google/protobuf/map.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/changes.pb.h"
#include "proto/forms.pb.h"
#include "proto/records.pb.h"

namespace wardsync::forms_util {

using FieldMap = google::protobuf::Map<std::string, wardsync::records::FieldState>;

struct RowView {
  std::string id;
  int64_t position = 0;
  std::map<std::string, const wardsync::changes::Value*, std::less<>> values;  // non-empty values only
};

class RecordView {
 public:
  RecordView(const wardsync::forms::FormDef& form, const FieldMap& fields);

  // The non-empty value of a top-level field, or nullptr.
  const wardsync::changes::Value* Top(std::string_view name) const;
  // Live rows (row marker with a value) of a group, by position then id.
  const std::vector<RowView>& Rows(std::string_view group) const;

 private:
  // Sorted by name. Names view the record's field map, which must outlive
  // this view (as the values it points to must). A flat vector, not a map:
  // ingest builds a view of every record it applies a change to, and a
  // node per field was a fifth of the evaluation.
  std::vector<std::pair<std::string_view, const wardsync::changes::Value*>> top_;
  std::map<std::string, std::vector<RowView>, std::less<>> rows_;
};

}  // namespace wardsync::forms_util

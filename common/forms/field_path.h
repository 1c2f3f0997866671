// Names of the values a record stores (RecordState.fields keys, FieldSet
// .field). A repeat group (FieldDef.GROUP) is flattened so that the
// per-field stamps of common/reconcile merge it per row and per sub-field:
//   "name"              an ordinary field
//   "group[row]"        the row marker: an integer, the row's position
//                       (rows are shown by position, then row id); cleared
//                       (no value) = the row was removed
//   "group[row].sub"    one sub-field of one row
// Row ids are made by the device that adds the row and never reused, so two
// officers adding rows write different keys and never conflict.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "proto/forms.pb.h"

namespace wardsync::forms_util {

struct FieldPath {
  std::string field;  // the top-level field (the group for the two group forms)
  std::string row;    // "" for an ordinary field
  std::string sub;    // "" for an ordinary field and a row marker
  bool IsRowMarker() const { return !row.empty() && sub.empty(); }
};

// [A-Za-z0-9_-]{1,40}
bool IsRowId(std::string_view s);

// nullopt when the text is none of the three shapes (names are not looked up).
std::optional<FieldPath> ParseFieldPath(std::string_view text);

std::string RowMarkerPath(std::string_view group, std::string_view row);
std::string SubFieldPath(std::string_view group, std::string_view row, std::string_view sub);

// The definition a stored name refers to: the field, the GROUP for a row
// marker, the sub-field for "group[row].sub"; nullptr when the form has no
// such field (or the path does not fit its type).
const wardsync::forms::FieldDef* ResolveField(const wardsync::forms::FormDef& form, std::string_view path);

// A fresh random row id (12 hex digits) for a row added on this device.
std::string NewRowId();

}  // namespace wardsync::forms_util

// The deleted marker: the only field set a RESOLVE of a whole-record
// conflict (delete against edit) may carry. Its boolean value says whether
// the record stays deleted (true) or is kept (false). It is part of the
// Change format, never a form field: reconcile refuses it anywhere else, and
// ingest does not check it against the form.
#pragma once
#include <string_view>

#include "proto/changes.pb.h"

namespace wardsync::changes_util {

inline constexpr std::string_view kDeletedMarkerField = "__deleted";

// A RESOLVE whose only field set is the deleted marker (whatever its value:
// reconcile checks that it is a boolean).
inline bool CarriesDeletedMarker(const wardsync::changes::Change& change) {
  return change.op() == wardsync::changes::Change::RESOLVE && change.sets_size() == 1 &&
         change.sets(0).field() == kDeletedMarkerField;
}

}  // namespace wardsync::changes_util

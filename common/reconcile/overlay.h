// Client view: the server's record with the device's own pending changes on top.
#pragma once
#include <utility>
#include <vector>

#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/records.pb.h"

namespace wardsync::reconcile {

// Applies the device's not-yet-acknowledged changes, in order, on top of
// `server_view` (an empty RecordState if the server does not have the record)
// with Apply (log_seq 0, no base lookup), giving what the officer sees.
// - A pending change whose change id already shows in the server view
//   (created, last_change, a field stamp, a conflict candidate or a
//   resolution) was applied by the server already (its acknowledgement is in
//   flight) and is skipped, so it does not conflict with itself.
// - server_view.log_seq is kept: the result is "server version log_seq plus
//   local changes".
// - All or nothing: if a pending change is refused, the error names its
//   position and `server_view` is left unchanged.
Status OverlayPending(records::RecordState& server_view,
                      const std::vector<std::pair<changes::Change, records::Stamp>>& pending);

}  // namespace wardsync::reconcile

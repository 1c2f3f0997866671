#include "common/reconcile/overlay.h"

#include <string>

#include "common/reconcile/internal.h"
#include "common/reconcile/merge.h"

namespace wardsync::reconcile {
namespace {

bool Same(const records::Stamp& s, const changes::ChangeId& id) {
  return internal::SameVersion(s.change(), id);
}

// True if the server view carries any trace of change `id`.
bool ServerHas(const records::RecordState& view, const changes::ChangeId& id) {
  if (internal::IsEmpty(id)) return false;
  if (Same(view.created(), id) || Same(view.last_change(), id)) return true;
  for (const auto& [name, fs] : view.fields()) {
    if (Same(fs.stamp(), id)) return true;
  }
  for (const auto& c : view.conflicts()) {
    if (Same(c.resolved_by(), id)) return true;
    if (internal::HasCandidateFrom(c, id)) return true;
  }
  return false;
}

}  // namespace

Status OverlayPending(records::RecordState& server_view,
                      const std::vector<std::pair<changes::Change, records::Stamp>>& pending) {
  if (pending.empty()) return Status::Ok();
  records::RecordState view = server_view;
  const BaseLookup no_lookup;
  for (size_t i = 0; i < pending.size(); ++i) {
    const auto& [change, stamp] = pending[i];
    // Decided against the server view alone: a change applied here must not
    // make a later change of the same change-set look applied.
    if (ServerHas(server_view, stamp.change())) continue;
    auto applied = Apply(view, change, stamp, 0, no_lookup);
    if (!applied.ok()) {
      return Status(applied.status().code(),
                    "pending change " + std::to_string(i + 1) + " of " + std::to_string(pending.size()) +
                        ": " + applied.status().message());
    }
  }
  view.set_log_seq(server_view.log_seq());
  server_view.Swap(&view);
  return Status::Ok();
}

}  // namespace wardsync::reconcile

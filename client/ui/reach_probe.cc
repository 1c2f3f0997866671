#include "client/ui/reach_probe.h"

#include "client/sync/server_probe.h"

namespace wardsync::client::ui {

Reach ReachProbe::Check(const std::string& server) {
  {
    std::lock_guard lock(mu_);
    if (last_.known && clock_.NowMs() < last_.checked_ms + kFreshMs) return last_;
  }
  std::unique_lock probing(probe_mu_, std::try_to_lock);
  if (!probing.owns_lock()) {
    std::lock_guard lock(mu_);
    return last_;
  }
  const bool up = ServerAnswers(server, std::chrono::seconds(2));
  std::lock_guard lock(mu_);
  last_ = {true, up, clock_.NowMs()};
  return last_;
}

}  // namespace wardsync::client::ui

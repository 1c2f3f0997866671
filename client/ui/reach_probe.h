// Live reachability of the server for Home: a TCP probe of the device's
// server (client/sync/server_probe.h, the agent's own probe), at most one in
// flight and at most one per kFreshMs, so polling Home every few seconds
// costs at most one connect per kFreshMs. Thread-safe; a request that finds
// a probe in flight gets the last result at once instead of waiting.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>

#include "common/clock/clock.h"

namespace wardsync::client::ui {

struct Reach {
  bool known = false;      // no probe has finished yet
  bool reachable = false;
  uint64_t checked_ms = 0;  // when the last probe finished
};

class ReachProbe {
 public:
  static constexpr uint64_t kFreshMs = 5000;
  explicit ReachProbe(const Clock& clock) : clock_(clock) {}
  Reach Check(const std::string& server);

 private:
  const Clock& clock_;
  std::mutex probe_mu_;  // held while a probe runs
  std::mutex mu_;        // guards last_
  Reach last_;
};

}  // namespace wardsync::client::ui

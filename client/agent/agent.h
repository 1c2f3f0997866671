// The background agent: owns one ward client's data directory and syncs on
// its own - when something new is pending (woken by the capture commands it
// serves), on a timer (so pulls arrive), and when the server comes back after
// an outage (a cheap TCP probe while backing off). Failures back off
// exponentially with jitter; every round has deadlines, so a sync can never be
// stuck. While it runs, the officer's commands are forwarded to it over the
// control socket (LevelDB admits one process per directory).
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "client/agent/backoff.h"
#include "client/cli/client_env.h"

namespace wardsync::client {

struct AgentOptions {
  uint64_t interval_ms = 5 * 60 * 1000;     // periodic sync (pulls arrive)
  uint64_t backoff_base_ms = 1000;
  uint64_t backoff_cap_ms = 5 * 60 * 1000;
  uint64_t probe_interval_ms = 10'000;      // TCP reachability probe while backing off
  std::chrono::milliseconds io_timeout{30'000};
};

class Agent {
 public:
  Agent(ClientEnv& env, const AgentOptions& options);

  // Runs rounds until Stop(). Blocks the calling thread.
  void Run();
  // Thread-safe: finish or abandon the round in flight, then Run returns.
  void Stop();
  // Thread-safe: something new is pending; sync soon.
  void Wake();
  // Thread-safe: one round now, serialized with the agent's own rounds.
  Result<SyncReport> SyncNow(const SyncOptions& options);
  ClientEnv::AgentInfo Info();

 private:
  Result<SyncReport> Round(SyncOptions options);
  bool ServerReachable();

  ClientEnv& env_;
  AgentOptions options_;
  Backoff backoff_;
  std::mutex round_mu_;              // one round at a time
  std::mutex mu_;                    // guards the fields below
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = true;                // sync at start
  uint64_t next_attempt_ms_ = 0;
  uint64_t backoff_ms_ = 0;
  bool last_failure_unreachable_ = false;  // probes only help when the server was unreachable
  std::string phase_ = "starting";
  SyncProgress progress_;
  std::atomic<bool> cancel_{false};
};

}  // namespace wardsync::client

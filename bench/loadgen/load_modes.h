// The load generator's three measurements (bench/README.md, S4 and S6),
// each driving its devices on one io_context run by the calling thread.
//
//   Warmup: every device syncs once (closed loop, a few at a time): it
//     pushes its first 20 records, pulls, and keeps its cursor and TLS
//     session. Not timed. Afterwards every device has synced once in the
//     rotation order, so each measured sync pulls what the rest of its ward
//     pushed since — the steady state, from the first measured sync on.
//   Step(rate): open-loop Poisson arrivals at `rate` per second for
//     `seconds`; each arrival starts a sync of the next idle device in the
//     rotation at its scheduled time whatever else is running. A sync's
//     latency runs from its scheduled time (so the generator's own lag
//     counts against it) to its last pull page.
//   Burst: every device starts one sync at the same instant.
//   Idle: every device connects, authenticates and stays connected (after
//     a warm-up without pushes, the connections resume TLS sessions: both
//     ends' handshakes cost less, so all of them are up well within the
//     server's 60 s idle timeout). The server's VmHWM is reset first.
#pragma once
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "bench/loadgen/sync_round.h"

namespace wardsync::bench {

struct PhaseResult {
  size_t syncs = 0;
  std::vector<double> latency_ms;  // successful syncs
  uint64_t failures = 0;
  std::string first_error;
  uint64_t pulled = 0;
  uint64_t resumed = 0;            // TLS sessions resumed
  double wall_s = 0;               // first arrival to the last round's end
  double drain_s = 0;              // first arrival to the last sync done
  double max_lag_ms = 0;           // how late the generator started a sync
  double server_cpu_s = 0;
  double server_peak_rss_mb = 0;
  double loadgen_cpu_s = 0;
};

struct IdleResult {
  size_t devices = 0;
  size_t authenticated = 0;
  uint64_t failures = 0;
  std::string first_error;
  double connect_s = 0;            // until every device settled
  double server_rss_mb = 0;        // VmRSS with all connected
  double server_peak_rss_mb = 0;   // VmHWM
  double server_cpu_s = 0;         // while connecting
  double loadgen_cpu_s = 0;
};

class LoadGen {
 public:
  LoadGen(Fleet fleet, LoadContext lc, pid_t server_pid, size_t devices, size_t records);
  // push false: hello and pull only (TLS sessions for a later phase).
  Status Warmup(size_t concurrency, bool push);
  PhaseResult Step(double rate, double seconds, uint64_t seed);
  PhaseResult Burst();
  IdleResult Idle(size_t concurrency, double settle_s);
  const Fleet& fleet() const { return fleet_; }

 private:
  void PrepareFor(size_t syncs);
  PhaseResult Run(const std::vector<double>& offsets_s);

  Fleet fleet_;
  LoadContext lc_;
  pid_t server_pid_;
  size_t records_;
  std::vector<std::unique_ptr<SimDevice>> devices_;
  std::vector<size_t> order_;  // rotation order (shuffled once)
  size_t next_ = 0;            // next position in the rotation
};

}  // namespace wardsync::bench

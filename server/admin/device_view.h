// What `wardsync-server devices` says about a device's queue and clock,
// worked out from the stored Device alone (no I/O), so the text and the
// JSON forms agree and tests can check it directly.
#pragma once
#include <cstdint>

#include "proto/store.pb.h"

namespace wardsync::server {

struct DeviceView {
  // Change-sets the device still holds that the server has not accepted:
  // its last report minus what was accepted since (the report is made at
  // the hello, before that sync's pushes). An older client that does not
  // report its last seq: the queue depth as reported.
  uint64_t pending = 0;
  uint64_t oldest_pending_ms = 0;   // 0 when nothing is pending
  // The device's clock minus the server's at its last hello, in seconds
  // (to the nearest), and whether that is beyond the allowed skew.
  int64_t clock_skew_s = 0;
  bool clock_off = false;
  // Its latest change-set stamped beyond the allowed skew (clamped, see
  // server/ingest/clock_bound.h): how far ahead, and when (0: never).
  uint64_t clamped_lead_s = 0;
  uint64_t clamped_at_ms = 0;
};

DeviceView ViewDevice(const wardsync::store::Device& d, uint64_t max_clock_skew_ms);

}  // namespace wardsync::server

// Per-device volume quota (`run --max-changesets-per-day`,
// `--max-bytes-per-day`): how many change-sets, and body bytes, each device
// had accepted in the current UTC day. Beyond either, ingest refuses the
// change-set with Error{BUSY} (retryable: the device keeps it and sends it
// again the next day, or after an administrator raises the quota), so one
// device cannot fill the disk or the log without bound.
//
// The count lives in the device's own row (store.proto Device.quota_*),
// which ingest writes in the same batch as the change-sets it counts: it is
// durable exactly when they are, so a restart (or a failed group write,
// which stops the server) neither resets nor double-counts it.
#pragma once
#include <cstdint>

#include "common/status.h"
#include "proto/store.pb.h"

namespace wardsync::server {

class VolumeQuota {
 public:
  VolumeQuota(uint32_t max_changesets_per_day, uint64_t max_bytes_per_day)
      : max_sets_(max_changesets_per_day), max_bytes_(max_bytes_per_day) {}

  // kResourceExhausted (the message names the quota) if one more change-set
  // of `bytes` would exceed the device's quota today; nothing is counted.
  Status Check(const store::Device& device, uint64_t bytes, uint64_t now_ms) const;
  // Counts an accepted change-set in the device's row (the caller writes it).
  void Count(store::Device& device, uint64_t bytes, uint64_t now_ms) const;

 private:
  uint32_t max_sets_;
  uint64_t max_bytes_;
};

}  // namespace wardsync::server

// Per-device volume quota (`run --max-changesets-per-day`,
// `--max-bytes-per-day`): how many change-sets, and body bytes, each device
// had accepted in the current UTC day. Beyond either, ingest refuses the
// change-set with Error{BUSY} (retryable: the device keeps it and sends it
// again the next day, or after an administrator raises the quota), so one
// device cannot fill the disk or the log without bound.
//
// Counted in memory by the committer thread alone (no lock): a restart
// starts the day's count again, which at worst lets a device send one more
// day's quota, and a group whose write failed stays counted (documented in
// PROTOCOL.md, Limits).
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/status.h"

namespace wardsync::server {

class VolumeQuota {
 public:
  VolumeQuota(uint32_t max_changesets_per_day, uint64_t max_bytes_per_day)
      : max_sets_(max_changesets_per_day), max_bytes_(max_bytes_per_day) {}

  // kResourceExhausted (the message names the quota) if one more change-set
  // of `bytes` would exceed the device's quota today; nothing is counted.
  Status Check(const std::string& device_id, uint64_t bytes, uint64_t now_ms);
  // Counts an accepted change-set.
  void Count(const std::string& device_id, uint64_t bytes, uint64_t now_ms);

 private:
  struct Day {
    uint64_t day = 0;
    uint64_t sets = 0;
    uint64_t bytes = 0;
  };
  Day& Today(const std::string& device_id, uint64_t now_ms);
  uint32_t max_sets_;
  uint64_t max_bytes_;
  std::unordered_map<std::string, Day> days_;
};

}  // namespace wardsync::server

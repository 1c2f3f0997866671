#include "server/ingest/volume_quota.h"

namespace wardsync::server {

namespace {
constexpr uint64_t kDayMs = 24ull * 3600 * 1000;
}

VolumeQuota::Day& VolumeQuota::Today(const std::string& device_id, uint64_t now_ms) {
  Day& d = days_[device_id];
  if (d.day != now_ms / kDayMs) d = Day{now_ms / kDayMs, 0, 0};
  return d;
}

Status VolumeQuota::Check(const std::string& device_id, uint64_t bytes, uint64_t now_ms) {
  if (max_sets_ == 0 && max_bytes_ == 0) return Status::Ok();
  const Day& d = Today(device_id, now_ms);
  if (max_sets_ != 0 && d.sets + 1 > max_sets_)
    return Status::Exhausted("device " + device_id + " reached its quota of " + std::to_string(max_sets_) +
                             " change-sets today (UTC); retry tomorrow or ask the administrator to raise "
                             "--max-changesets-per-day");
  if (max_bytes_ != 0 && d.bytes + bytes > max_bytes_)
    return Status::Exhausted("device " + device_id + " reached its quota of " + std::to_string(max_bytes_) +
                             " bytes today (UTC); retry tomorrow or ask the administrator to raise "
                             "--max-bytes-per-day");
  return Status::Ok();
}

void VolumeQuota::Count(const std::string& device_id, uint64_t bytes, uint64_t now_ms) {
  if (max_sets_ == 0 && max_bytes_ == 0) return;
  Day& d = Today(device_id, now_ms);
  ++d.sets;
  d.bytes += bytes;
}

}  // namespace wardsync::server

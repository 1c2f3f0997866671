#include "server/ingest/volume_quota.h"

#include <string>

namespace wardsync::server {

namespace {
constexpr uint64_t kDayMs = 24ull * 3600 * 1000;

struct Today {
  uint64_t sets = 0;
  uint64_t bytes = 0;
};

// The device's count for the UTC day of now_ms (zero if its row counts an
// earlier day).
Today CountToday(const store::Device& d, uint64_t now_ms) {
  if (d.quota_day() != now_ms / kDayMs) return {};
  return {d.quota_sets(), d.quota_bytes()};
}
}  // namespace

Status VolumeQuota::Check(const store::Device& device, uint64_t bytes, uint64_t now_ms) const {
  if (max_sets_ == 0 && max_bytes_ == 0) return Status::Ok();
  const Today d = CountToday(device, now_ms);
  if (max_sets_ != 0 && d.sets + 1 > max_sets_)
    return Status::Exhausted("device " + device.id() + " reached its quota of " + std::to_string(max_sets_) +
                             " change-sets today (UTC); retry tomorrow or ask the administrator to raise "
                             "--max-changesets-per-day");
  if (max_bytes_ != 0 && d.bytes + bytes > max_bytes_)
    return Status::Exhausted("device " + device.id() + " reached its quota of " + std::to_string(max_bytes_) +
                             " bytes today (UTC); retry tomorrow or ask the administrator to raise "
                             "--max-bytes-per-day");
  return Status::Ok();
}

void VolumeQuota::Count(store::Device& device, uint64_t bytes, uint64_t now_ms) const {
  if (max_sets_ == 0 && max_bytes_ == 0) return;
  const Today d = CountToday(device, now_ms);
  device.set_quota_day(now_ms / kDayMs);
  device.set_quota_sets(d.sets + 1);
  device.set_quota_bytes(d.bytes + bytes);
}

}  // namespace wardsync::server

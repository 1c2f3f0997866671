#include "common/clock/record_hlc.h"

#include <algorithm>

namespace wardsync {

uint64_t LargestHlc(const records::RecordState& r) {
  uint64_t m = std::max(r.created().hlc(), r.last_change().hlc());
  for (const auto& [name, fs] : r.fields()) m = std::max(m, fs.stamp().hlc());
  for (const auto& c : r.conflicts()) {
    m = std::max(m, c.resolved_by().hlc());
    for (const auto& cand : c.candidates()) m = std::max(m, cand.stamp().hlc());
  }
  m = std::max(m, r.review().stamp().hlc());
  for (const auto& c : r.comments()) m = std::max(m, c.stamp().hlc());
  return m;
}

}  // namespace wardsync

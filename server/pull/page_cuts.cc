#include "server/pull/page_cuts.h"

#include <algorithm>

namespace wardsync::server {

bool IsCutPoint(uint64_t seq) {
  // splitmix64's finalizer: consecutive seqs give unrelated bits, so the
  // points are spread evenly over any ward's share of the log.
  uint64_t z = seq + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return z % kCutEvery == 0;
}

bool EndAtFirstCut(RawPullPage& page, RawPullPage::Trace& trace, uint64_t log_head) {
  if (!page.more || trace.first_cut == 0 || trace.first_cut >= page.cursor) return false;
  const uint64_t cut = trace.first_cut;
  const auto kept = [cut](const std::vector<uint64_t>& seqs) {
    return static_cast<size_t>(std::upper_bound(seqs.begin(), seqs.end(), cut) - seqs.begin());
  };
  const size_t records = kept(trace.record_seqs);
  const size_t skipped = kept(trace.skipped_seqs);
  page.records.resize(records);
  page.skipped.resize(skipped);
  trace.record_seqs.resize(records);
  trace.skipped_seqs.resize(skipped);
  page.bytes = 0;
  for (const auto& r : page.records) page.bytes += r.size() + RawPullPage::kRecordOverhead;
  page.cursor = cut;
  page.more = true;
  page.remaining = log_head > cut ? log_head - cut : 0;
  return true;
}

}  // namespace wardsync::server

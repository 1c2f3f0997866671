#include "server/pull/page_cuts.h"

namespace wardsync::server {

namespace {

// splitmix64's finalizer: consecutive seqs give unrelated bits, so the
// points are spread evenly over any ward's share of the log.
uint64_t Mix(uint64_t seq) {
  uint64_t z = seq + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return z;
}

}  // namespace

bool IsCutPoint(uint64_t seq) { return Mix(seq) % kCutEvery == 0; }

bool IsFinePoint(uint64_t seq) {
  static_assert(kCutEvery % kFineEvery == 0, "every cut point is a fine point");
  return Mix(seq) % kFineEvery == 0;
}

}  // namespace wardsync::server

#include "server/pull/page_cuts.h"

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

}  // namespace wardsync::server

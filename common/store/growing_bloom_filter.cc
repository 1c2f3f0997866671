#include "common/store/growing_bloom_filter.h"

#include <functional>

namespace wardsync {
namespace {

constexpr size_t kBitsPerBlock = GrowingBloomFilter::kKeysPerBlock * 10;
constexpr size_t kWordsPerBlock = kBitsPerBlock / 64;
constexpr int kProbes = 7;  // ~ln 2 x 10 bits a key

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer: a second, independent-enough hash
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Double hashing (Kirsch and Mitzenmacher): probe i at h1 + i * h2. The
// strings may be chosen by a device (record ids): a crafted collision only
// makes an answer "maybe", which costs one read.
struct Probes {
  uint64_t h1, h2;
  explicit Probes(std::string_view s) : h1(std::hash<std::string_view>{}(s)), h2(Mix(h1) | 1) {}
  size_t Bit(int i) const { return static_cast<size_t>((h1 + static_cast<uint64_t>(i) * h2) % kBitsPerBlock); }
};

}  // namespace

struct GrowingBloomFilter::Block {
  std::atomic<uint64_t> words[kWordsPerBlock] = {};
};

GrowingBloomFilter::GrowingBloomFilter() : blocks_(new std::atomic<Block*>[kMaxBlocks]) {
  for (size_t i = 0; i < kMaxBlocks; ++i) blocks_[i].store(nullptr, std::memory_order_relaxed);
}

GrowingBloomFilter::~GrowingBloomFilter() {
  const size_t n = block_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i) delete blocks_[i].load(std::memory_order_relaxed);
}

void GrowingBloomFilter::Add(std::string_view s) {
  if (saturated_) return;
  size_t n = block_count_.load(std::memory_order_relaxed);
  if (n == 0 || in_last_ == kKeysPerBlock) {
    if (n == kMaxBlocks) {
      saturated_ = true;  // MayContain answers "maybe" once all blocks exist
      return;
    }
    blocks_[n].store(new Block, std::memory_order_relaxed);
    block_count_.store(++n, std::memory_order_release);
    in_last_ = 0;
  }
  Block* b = blocks_[n - 1].load(std::memory_order_relaxed);
  const Probes p(s);
  for (int i = 0; i < kProbes; ++i) {
    const size_t bit = p.Bit(i);
    b->words[bit / 64].fetch_or(uint64_t{1} << (bit % 64), std::memory_order_release);
  }
  ++in_last_;
  added_.fetch_add(1, std::memory_order_relaxed);
}

bool GrowingBloomFilter::MayContain(std::string_view s) const {
  const size_t n = block_count_.load(std::memory_order_acquire);
  if (n == kMaxBlocks) return true;  // the last block may fill, and the adder stop: "maybe" from here on
  const Probes p(s);
  for (size_t k = 0; k < n; ++k) {
    const Block* b = blocks_[k].load(std::memory_order_relaxed);
    bool all = true;
    for (int i = 0; i < kProbes && all; ++i) {
      const size_t bit = p.Bit(i);
      all = (b->words[bit / 64].load(std::memory_order_acquire) >> (bit % 64)) & 1;
    }
    if (all) return true;
  }
  return false;
}

size_t GrowingBloomFilter::memory_bytes() const {
  return block_count_.load(std::memory_order_relaxed) * sizeof(Block) + kMaxBlocks * sizeof(std::atomic<Block*>);
}

}  // namespace wardsync

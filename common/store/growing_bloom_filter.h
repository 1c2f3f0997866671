// A set of byte strings that answers "surely not in it" or "maybe in it",
// and never forgets a string once added (no false negatives): a Bloom
// filter of 10 bits and 7 probes a string (~1% false positives), grown in
// blocks of 65,536 strings (80 KiB each) as strings are added, so it needs
// no size in advance and never has to be rebuilt.
//
// One thread adds; any thread may ask, concurrently. A string's bits are
// set (atomically, with release order) before Add returns, so a reader that
// learns of the string through something ordered after Add (a lock, a
// write the adder makes next) finds it.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace wardsync {

class GrowingBloomFilter {
 public:
  static constexpr size_t kKeysPerBlock = 65'536;
  static constexpr size_t kMaxBlocks = 4'096;  // past 268 M strings every answer is "maybe"

  GrowingBloomFilter();
  ~GrowingBloomFilter();
  GrowingBloomFilter(const GrowingBloomFilter&) = delete;
  GrowingBloomFilter& operator=(const GrowingBloomFilter&) = delete;

  void Add(std::string_view s);               // the adding thread only
  bool MayContain(std::string_view s) const;  // any thread
  uint64_t added() const { return added_.load(std::memory_order_relaxed); }
  size_t memory_bytes() const;

 private:
  struct Block;
  std::unique_ptr<std::atomic<Block*>[]> blocks_;
  std::atomic<size_t> block_count_{0};
  std::atomic<uint64_t> added_{0};
  size_t in_last_ = 0;  // strings in the last block (adding thread only)
  bool saturated_ = false;  // adding thread only
};

}  // namespace wardsync

// One budget for the bytes all connections together hold in pushes that are
// read and not yet acknowledged (`run --memory-budget-mb`). A push that
// would take the server past it is not handed to ingest: the device gets
// Error{BUSY} (retryable; nothing was stored, its outbox keeps everything)
// and the connection ends, so many devices pushing large frames at once
// slow each other down instead of exhausting the server's memory.
// Thread-safe (sessions run on many io threads).
#pragma once
#include <atomic>
#include <cstdint>

namespace wardsync::server {

class MemoryBudget {
 public:
  explicit MemoryBudget(uint64_t max_bytes) : max_(max_bytes) {}
  // Takes n bytes if they fit; false (nothing taken) if not.
  bool TryTake(uint64_t n) {
    uint64_t used = used_.load(std::memory_order_relaxed);
    do {
      if (used + n > max_) return false;
    } while (!used_.compare_exchange_weak(used, used + n, std::memory_order_relaxed));
    return true;
  }
  void Give(uint64_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t max() const { return max_; }

 private:
  const uint64_t max_;
  std::atomic<uint64_t> used_{0};
};

}  // namespace wardsync::server

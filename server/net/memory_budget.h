// One budget for the bytes all connections together hold in pushes that are
// read and not yet acknowledged and in pull pages being read and sent
// (`run --memory-budget-mb`). A push or pull that would take the server past
// it is not served: the device gets Error{BUSY} (retryable; nothing was
// stored, its outbox keeps everything, its cursor did not move) and the
// connection ends, so many devices syncing large pages at once slow each
// other down instead of exhausting the server's memory.
// Thread-safe (sessions run on many io threads).
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

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

// Bytes taken from a budget for one scope (a pull page), given back when it
// ends, on every path out of a coroutine.
class MemoryHold {
 public:
  explicit MemoryHold(MemoryBudget& budget) : budget_(budget) {}
  MemoryHold(const MemoryHold&) = delete;
  MemoryHold& operator=(const MemoryHold&) = delete;
  ~MemoryHold() { budget_.Give(held_); }
  bool TryTake(uint64_t n) {
    if (!budget_.TryTake(n)) return false;
    held_ += n;
    return true;
  }

 private:
  MemoryBudget& budget_;
  uint64_t held_ = 0;
};

// What the device is told when the budget is full (Error{BUSY}).
inline std::string BudgetBusy(const MemoryBudget& budget) {
  return "server busy: syncs in flight from every device hold its memory budget of " +
         std::to_string(budget.max() >> 20) + " MiB; nothing was stored, retry later";
}

}  // namespace wardsync::server

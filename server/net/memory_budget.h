// One budget for the bytes all connections together hold in pushes that are
// read and not yet acknowledged and in pull pages being read and sent
// (`run --memory-budget-mb`). A push or pull that does not fit waits its
// turn, first come first served, for at most `run --budget-wait-ms`: many
// devices syncing at once (a whole fleet after an outage) queue and are
// served in order instead of exhausting the server's memory or being turned
// away. Only a wait that runs out (or a request larger than the whole
// budget) is refused with Error{BUSY} (retryable: nothing was stored, the
// outbox keeps everything, the cursor did not move).
// Thread-safe (sessions run on many io threads, each on its own strand).
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

namespace wardsync::server {

class MemoryBudget {
 public:
  explicit MemoryBudget(uint64_t max_bytes) : max_(max_bytes) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // Takes n bytes if they fit now and nobody waits before (a newcomer does
  // not overtake the queue); false (nothing taken) if not.
  bool TryTake(uint64_t n);
  // Takes n bytes, waiting behind earlier waiters while they do not fit, for
  // at most `wait`. Must be awaited on a strand (or a one-thread context):
  // the wake-up is posted to the caller's executor. False (nothing taken)
  // if the wait ran out or n is larger than the whole budget.
  asio::awaitable<bool> Take(uint64_t n, std::chrono::milliseconds wait);
  // Gives n bytes back and hands them to the waiters first in line that fit.
  void Give(uint64_t n);
  // Counts n more bytes that are already in memory (a push's parsed bodies,
  // known only once parsed), even past the budget: nothing waits here, but
  // later takers wait until they are given back.
  void Charge(uint64_t n);

  uint64_t used() const;
  size_t waiting() const;
  uint64_t max() const { return max_; }

 private:
  struct Waiter {
    uint64_t n;
    std::shared_ptr<asio::steady_timer> wake;
    bool granted = false;  // under mu_
  };
  // Grants to the front of the queue while it fits; mu_ held.
  void GrantLocked();

  const uint64_t max_;
  mutable std::mutex mu_;
  uint64_t used_ = 0;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

// Bytes taken from a budget for one scope (a pull page), given back when it
// ends, on every path out of a coroutine.
class MemoryHold {
 public:
  explicit MemoryHold(MemoryBudget& budget) : budget_(budget) {}
  MemoryHold(const MemoryHold&) = delete;
  MemoryHold& operator=(const MemoryHold&) = delete;
  ~MemoryHold() { budget_.Give(held_); }
  // Bytes already taken from the budget (MemoryBudget::Take), now held here.
  void Adopt(uint64_t n) { held_ += n; }
  // Keeps only n of what is held (a page turned out smaller than reserved),
  // giving the rest back to those waiting.
  void ShrinkTo(uint64_t n) {
    if (n >= held_) return;
    budget_.Give(held_ - n);
    held_ = n;
  }

 private:
  MemoryBudget& budget_;
  uint64_t held_ = 0;
};

// What the device is told when its wait for n bytes of the budget ran out,
// or n is more than the whole budget (Error{BUSY}).
std::string BudgetBusy(const MemoryBudget& budget, uint64_t n, std::chrono::milliseconds waited);

}  // namespace wardsync::server

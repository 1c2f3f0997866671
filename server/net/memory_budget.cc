#include "server/net/memory_budget.h"

#include <algorithm>

#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace wardsync::server {

bool MemoryBudget::TryTake(uint64_t n) {
  std::lock_guard lock(mu_);
  if (!waiters_.empty() || used_ + n > max_) return false;
  used_ += n;
  return true;
}

asio::awaitable<bool> MemoryBudget::Take(uint64_t n, std::chrono::milliseconds wait) {
  if (n > max_) co_return false;  // would never fit: waiting only delays the refusal
  auto waiter = std::make_shared<Waiter>();
  {
    std::lock_guard lock(mu_);
    if (waiters_.empty() && used_ + n <= max_) {
      used_ += n;
      co_return true;
    }
    waiter->n = n;
    waiter->wake = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
    waiter->wake->expires_after(wait);
    waiters_.push_back(waiter);
  }
  // If the coroutine is destroyed while it waits (the server stops), the
  // waiter leaves the line with it: no timer outlives its executor.
  struct LeaveOnUnwind {
    MemoryBudget& budget;
    std::shared_ptr<Waiter>& waiter;
    bool done = false;
    ~LeaveOnUnwind() {
      if (done) return;
      std::lock_guard lock(budget.mu_);
      auto it = std::find(budget.waiters_.begin(), budget.waiters_.end(), waiter);
      if (it != budget.waiters_.end()) budget.waiters_.erase(it);
      else if (waiter->granted) budget.used_ -= waiter->n;  // granted but never taken up
      budget.GrantLocked();
    }
  } unwind{*this, waiter};
  // Give() cancels the timer through a post to this strand, which cannot run
  // before this coroutine is suspended in the wait below: no wake-up is lost.
  asio::error_code ignored;
  co_await waiter->wake->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  unwind.done = true;
  std::lock_guard lock(mu_);
  if (waiter->granted) co_return true;
  // Ran out: leave the line; those behind may fit now.
  waiters_.erase(std::find(waiters_.begin(), waiters_.end(), waiter));
  GrantLocked();
  co_return false;
}

void MemoryBudget::Give(uint64_t n) {
  if (n == 0) return;
  std::lock_guard lock(mu_);
  used_ -= n;
  GrantLocked();
}

void MemoryBudget::Charge(uint64_t n) {
  std::lock_guard lock(mu_);
  used_ += n;
}

void MemoryBudget::GrantLocked() {
  // First come, first served: a large request at the front is not starved by
  // small ones behind it.
  while (!waiters_.empty() && used_ + waiters_.front()->n <= max_) {
    auto w = std::move(waiters_.front());
    waiters_.pop_front();
    used_ += w->n;
    w->granted = true;
    asio::post(w->wake->get_executor(), [wake = w->wake] { wake->cancel(); });
  }
}

uint64_t MemoryBudget::used() const {
  std::lock_guard lock(mu_);
  return used_;
}

size_t MemoryBudget::waiting() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

std::string BudgetBusy(const MemoryBudget& budget, uint64_t n, std::chrono::milliseconds waited) {
  const std::string mib = std::to_string(budget.max() >> 20) + " MiB";
  if (n > budget.max()) {
    return "server busy: this sync needs " + std::to_string(n) + " bytes in flight, more than the server's whole " +
           "memory budget of " + mib + " (wardsync-server run --memory-budget-mb); nothing was stored";
  }
  return "server busy: syncs in flight from other devices held its memory budget of " + mib + " for " +
         std::to_string(waited.count()) + " ms; nothing was stored, retry later";
}

}  // namespace wardsync::server

#include "server/net/handshake_priority.h"

#include <algorithm>

#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace wardsync::server {

void HandshakePriority::Entered() {
  std::lock_guard lock(mu_);
  if (++pending_ >= close_at_) holding_ = true;
}

void HandshakePriority::Left() {
  std::lock_guard lock(mu_);
  if (pending_ > 0) --pending_;
  if (!holding_ || pending_ > open_at_) return;
  holding_ = false;
  // Posted to each waiter's strand: it runs after the waiter is suspended.
  for (auto& w : waiters_) asio::post(w->get_executor(), [w] { w->cancel(); });
  waiters_.clear();
}

asio::awaitable<void> HandshakePriority::Yield(std::chrono::milliseconds max_wait) {
  auto wake = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
  {
    std::lock_guard lock(mu_);
    if (!holding_) co_return;
    wake->expires_after(max_wait);
    waiters_.push_back(wake);
  }
  // Leaves the list however the wait ends (woken, timed out, or the
  // coroutine destroyed when the server stops).
  struct Leave {
    HandshakePriority& gate;
    const std::shared_ptr<asio::steady_timer>& wake;
    ~Leave() {
      std::lock_guard lock(gate.mu_);
      auto it = std::find(gate.waiters_.begin(), gate.waiters_.end(), wake);
      if (it != gate.waiters_.end()) gate.waiters_.erase(it);
    }
  } leave{*this, wake};
  asio::error_code ignored;
  co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

size_t HandshakePriority::pending() const {
  std::lock_guard lock(mu_);
  return pending_;
}

bool HandshakePriority::holding() const {
  std::lock_guard lock(mu_);
  return holding_;
}

}  // namespace wardsync::server

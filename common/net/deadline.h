// Deadline: a scoped timer that runs a cancel action (typically: close the
// socket) if the scope has not ended when the timeout expires. Put one on the
// stack of a coroutine around the operations it bounds:
//
//   Deadline dl(co_await asio::this_coro::executor, timeout,
//               [&] { std::error_code ig; sock.lowest_layer().close(ig); });
//   co_await sock.async_read_some(..., asio::redirect_error(asio::use_awaitable, ec));
//   if (dl.expired()) ...   // the operation was cut short by the deadline
//
// The timer must run on the same strand as the coroutine (use the coroutine's
// executor): the cancel action then never races the operation, and it never
// runs once the Deadline is destroyed, so it may capture locals by reference.
#pragma once
#include <asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <system_error>

namespace wardsync::net {

class Deadline {
 public:
  template <typename Executor>
  Deadline(const Executor& ex, std::chrono::milliseconds timeout, std::function<void()> on_expire)
      : state_(std::make_shared<State>()), timer_(ex) {
    state_->on_expire = std::move(on_expire);
    // Clamp so now() + timeout cannot overflow.
    timer_.expires_after(std::clamp(timeout, std::chrono::milliseconds(0),
                                    std::chrono::milliseconds(std::chrono::hours(24 * 365))));
    timer_.async_wait([st = state_](const std::error_code& ec) noexcept {
      if (ec || st->done) return;
      st->expired = true;
      try {
        if (st->on_expire) st->on_expire();
      } catch (...) {  // a cancel action must not throw out of a handler
      }
    });
  }
  ~Deadline() {
    state_->done = true;  // the pending wait (cancelled by the timer's destructor) does nothing
    state_->on_expire = nullptr;
  }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  bool expired() const { return state_->expired; }

 private:
  struct State {
    bool done = false;
    bool expired = false;
    std::function<void()> on_expire;
  };
  std::shared_ptr<State> state_;
  asio::steady_timer timer_;
};

}  // namespace wardsync::net

// Handshakes first. A TLS handshake and its hello must finish within a
// deadline (the server's --handshake-timeout-ms, the device's own 10 s),
// while a sync already past its hello has none as long as its frames keep
// flowing. When a whole fleet connects at once (after an outage, or the
// S4 burst of the benchmark), the handshakes share the CPU with the pull
// pages of the devices that got in first, and past a few hundred waiting
// the last ones miss their deadline: the device is dropped and retries.
// So while many connections are still in their handshake, sessions past
// theirs hold back before their next push or pull page (each for at most a
// bounded wait), and the CPU goes to the handshakes, which are cheap: a
// resumed one and its hello cost ~0.5 ms. Thread-safe.
#pragma once
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

namespace wardsync::server {

class HandshakePriority {
 public:
  // Closes (sessions hold back) at `close_at` connections in their
  // handshake, opens again at `open_at` or fewer.
  HandshakePriority(size_t close_at, size_t open_at) : close_at_(close_at), open_at_(open_at) {}
  HandshakePriority(const HandshakePriority&) = delete;
  HandshakePriority& operator=(const HandshakePriority&) = delete;

  void Entered();  // a connection was accepted: its handshake starts
  void Left();     // it is past its hello, or gone
  // Returns at once while few handshakes wait; otherwise once they are down
  // to `open_at`, or after `max_wait`. Must be awaited on a strand.
  asio::awaitable<void> Yield(std::chrono::milliseconds max_wait);

  size_t pending() const;
  bool holding() const;

 private:
  const size_t close_at_, open_at_;
  mutable std::mutex mu_;
  size_t pending_ = 0;
  bool holding_ = false;
  std::vector<std::shared_ptr<asio::steady_timer>> waiters_;
};

}  // namespace wardsync::server

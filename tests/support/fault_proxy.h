// A fault-injecting TCP proxy for tests: listens on 127.0.0.1 (a free port)
// and forwards every connection to 127.0.0.1:target, misbehaving as told.
// It works on bytes, not frames (the sync protocol runs over TLS, so a cut
// at byte N lands wherever N falls: inside a TLS record, a frame header, a
// payload, between frames).
//
// Faults (each connection takes a copy of the fault set when it is accepted,
// so a test changes the fault between syncs without touching open ones):
//   cut    - forward N bytes in one direction, then close both sockets;
//   stall  - forward N bytes in one direction, then forward nothing more in
//            either direction (a black hole); the sockets stay open until a
//            peer closes its end, so the client's own timeout must fire;
//   delay  - wait before forwarding each piece;
//   split  - forward in pieces of 1..split bytes, each its own write (TCP
//            segments that small, with Nagle off).
//
// Runs its own io_context on its own thread with plain completion handlers
// (no coroutines). Thread-safe: every public call may come from any thread.
#pragma once
#include <asio.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

namespace wardsync::test {

struct ProxyFault {
  // "up" is client -> server, "down" is server -> client.
  std::optional<uint64_t> cut_up, cut_down;
  std::optional<uint64_t> stall_up, stall_down;
  std::chrono::milliseconds delay{0};
  size_t split = 0;      // 0: forward what was read in one write
  uint32_t seed = 1;     // piece sizes of split
};

struct ProxyStats {
  uint64_t connections = 0;  // accepted
  uint64_t bytes_up = 0;     // forwarded client -> server
  uint64_t bytes_down = 0;   // forwarded server -> client
  uint64_t cuts = 0;         // connections closed by a cut fault
  uint64_t stalls = 0;       // connections that went into a stall
  uint64_t writes = 0;       // write calls made (split makes many)
};

class FaultProxy {
 public:
  // Throws std::runtime_error if it cannot listen.
  explicit FaultProxy(uint16_t target_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // For connections accepted from now on.
  void SetTarget(uint16_t target_port);
  void SetFault(const ProxyFault& fault);
  void ClearFault() { SetFault(ProxyFault{}); }

  // Closes every open connection, and returns once they are closed (a
  // network cut at an arbitrary moment). Keeps accepting new ones.
  void CutAll();
  // Closes the listener and every connection and joins the thread. Idempotent.
  void Stop();

  ProxyStats stats() const;
  void ResetStats();
  size_t open_connections() const { return open_.load(); }

 private:
  class Conn;
  friend class Conn;
  void Accept();
  void CloseAllOnIoThread();

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::set<std::shared_ptr<Conn>> conns_;  // io thread only

  mutable std::mutex mu_;  // guards target_ and fault_
  uint16_t target_;
  ProxyFault fault_;
  uint64_t next_seed_ = 0;

  std::atomic<size_t> open_{0};
  std::atomic<uint64_t> connections_{0}, bytes_up_{0}, bytes_down_{0}, cuts_{0}, stalls_{0}, writes_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace wardsync::test

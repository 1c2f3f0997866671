// A counting TCP relay: the client connects here and every byte is passed
// on to the server unchanged, so the counts are what crosses the socket -
// TLS records, handshake and alerts included (TCP/IP headers excluded).
#pragma once
#include <asio.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"

namespace wardsync::bench {

class CountingRelay {
 public:
  // Listens on 127.0.0.1 (free port) and forwards to host:port.
  static Result<std::unique_ptr<CountingRelay>> Start(const std::string& host, uint16_t port);
  ~CountingRelay();

  std::string address() const { return "127.0.0.1:" + std::to_string(listen_port_); }
  uint64_t up() const { return up_.load(); }      // client -> server
  uint64_t down() const { return down_.load(); }  // server -> client
  uint64_t connections() const { return connections_.load(); }
  void Reset() {
    up_ = 0;
    down_ = 0;
    connections_ = 0;
  }

 private:
  struct Pair;
  CountingRelay() = default;
  void Accept();
  static void Pump(std::shared_ptr<Pair> pair, bool upstream);

  asio::io_context io_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  asio::ip::tcp::endpoint target_;
  uint16_t listen_port_ = 0;
  std::atomic<uint64_t> up_{0}, down_{0}, connections_{0};
  std::thread thread_;
};

}  // namespace wardsync::bench

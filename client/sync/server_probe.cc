#include "client/sync/server_probe.h"

#include <asio.hpp>

#include "common/net/framed_stream.h"

namespace wardsync::client {

bool ServerAnswers(const std::string& server, std::chrono::milliseconds timeout) {
  auto hp = net::ParseHostPort(server);
  if (!hp.ok()) return false;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  asio::ip::tcp::resolver resolver(io);
  asio::error_code ec;
  auto endpoints = resolver.resolve(hp->first, std::to_string(hp->second), ec);
  if (ec) return false;
  bool connected = false;
  asio::async_connect(socket, endpoints, [&](const asio::error_code& e, const asio::ip::tcp::endpoint&) {
    connected = !e;
  });
  io.run_for(timeout);
  return connected;
}

}  // namespace wardsync::client

#include "bench/relay.h"

#include <array>

namespace wardsync::bench {

using asio::ip::tcp;

// One relayed connection: both sockets and one buffer per direction. Each
// direction is a read -> write -> read chain holding the pair alive.
struct CountingRelay::Pair {
  Pair(asio::io_context& io, CountingRelay& r) : client(io), server(io), relay(r) {}
  tcp::socket client;
  tcp::socket server;
  CountingRelay& relay;
  std::array<char, 64 * 1024> up_buf;
  std::array<char, 64 * 1024> down_buf;
  void CloseBoth() {
    asio::error_code ignored;
    client.close(ignored);
    server.close(ignored);
  }
};

Result<std::unique_ptr<CountingRelay>> CountingRelay::Start(const std::string& host, uint16_t port) {
  std::unique_ptr<CountingRelay> r(new CountingRelay());
  asio::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return Status::Invalid("relay target must be an IP address, got " + host);
  r->target_ = tcp::endpoint(addr, port);
  r->acceptor_ = std::make_unique<tcp::acceptor>(r->io_);
  tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
  r->acceptor_->open(local.protocol(), ec);
  if (!ec) r->acceptor_->bind(local, ec);
  if (!ec) r->acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("relay cannot listen: " + ec.message());
  r->listen_port_ = r->acceptor_->local_endpoint().port();
  r->Accept();
  CountingRelay* self = r.get();
  r->thread_ = std::thread([self] { self->io_.run(); });
  return r;
}

CountingRelay::~CountingRelay() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void CountingRelay::Accept() {
  auto pair = std::make_shared<Pair>(io_, *this);
  acceptor_->async_accept(pair->client, [this, pair](const asio::error_code& ec) {
    if (ec) return;
    ++connections_;
    pair->server.async_connect(target_, [pair](const asio::error_code& cec) {
      if (cec) {
        pair->CloseBoth();
        return;
      }
      asio::error_code ignored;
      pair->client.set_option(tcp::no_delay(true), ignored);
      pair->server.set_option(tcp::no_delay(true), ignored);
      Pump(pair, true);
      Pump(pair, false);
    });
    Accept();
  });
}

void CountingRelay::Pump(std::shared_ptr<Pair> pair, bool upstream) {
  tcp::socket& from = upstream ? pair->client : pair->server;
  auto& buf = upstream ? pair->up_buf : pair->down_buf;
  from.async_read_some(asio::buffer(buf), [pair, upstream](const asio::error_code& ec, size_t n) {
    if (ec) {
      // Pass the half-close on so the other side sees EOF, then stop this direction.
      asio::error_code ignored;
      (upstream ? pair->server : pair->client).shutdown(tcp::socket::shutdown_send, ignored);
      if (ec != asio::error::eof) pair->CloseBoth();
      return;
    }
    (upstream ? pair->relay.up_ : pair->relay.down_) += n;
    tcp::socket& to = upstream ? pair->server : pair->client;
    auto& b = upstream ? pair->up_buf : pair->down_buf;
    asio::async_write(to, asio::buffer(b.data(), n), [pair, upstream](const asio::error_code& wec, size_t) {
      if (wec) {
        pair->CloseBoth();
        return;
      }
      Pump(pair, upstream);
    });
  });
}

}  // namespace wardsync::bench

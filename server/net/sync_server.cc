#include "server/net/sync_server.h"

#include <asio/experimental/as_tuple.hpp>

#include "common/util/log.h"
#include "server/metrics/server_metrics.h"
#include "server/net/session.h"

namespace wardsync::server {

SyncServer::SyncServer(asio::io_context& io, ServerContext& ctx, GroupCommitter& committer,
                       asio::thread_pool& store_pool, std::shared_ptr<asio::ssl::context> tls)
    : io_(io), ctx_(ctx), committer_(committer), store_pool_(store_pool), tls_(std::move(tls)),
      accept_strand_(asio::make_strand(io)),
      acceptor_(io) {}

SyncServer::~SyncServer() = default;

Result<uint16_t> SyncServer::Listen(const std::string& host, uint16_t port) {
  asio::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return Status::Invalid("cannot listen on \"" + host + "\": not an IP address");
  asio::ip::tcp::endpoint ep(addr, port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  asio::co_spawn(accept_strand_, AcceptLoop(), asio::detached);
  return acceptor_.local_endpoint().port();
}

asio::awaitable<void> SyncServer::AcceptLoop() {
  for (;;) {
    auto strand = asio::make_strand(io_);
    asio::ip::tcp::socket socket(strand);
    auto [ec] = co_await acceptor_.async_accept(socket, asio::experimental::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      util::LogLine(std::string("accept failed: ") + ec.message());
      continue;
    }
    asio::error_code pec;
    auto remote = socket.remote_endpoint(pec);
    std::string peer = pec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
    socket.set_option(asio::ip::tcp::no_delay(true), pec);
    std::shared_ptr<Session> session;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) co_return;
      if (sessions_.size() >= ctx_.limits.max_connections) {
        util::LogLine("refused " + peer + ": connection limit " + std::to_string(ctx_.limits.max_connections) +
                      " reached");
        if (ctx_.metrics) ctx_.metrics->HelloRefused(HelloRefusal::kConnectionLimit);
        socket.close(pec);
        continue;
      }
      session = std::make_shared<Session>(*this, Session::Stream(std::move(socket), *tls_), peer);
      sessions_[session.get()] = session;
    }
    session->Start();
  }
}

bool SyncServer::AttachDevice(const std::shared_ptr<Session>& s, const std::string& device_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (by_device_.count(device_id) >= ctx_.limits.max_connections_per_device) return false;
  by_device_.emplace(device_id, s.get());
  return true;
}

void SyncServer::Forget(Session* s) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(s);
  for (auto it = by_device_.begin(); it != by_device_.end();) {
    it = it->second == s ? by_device_.erase(it) : std::next(it);
  }
}

size_t SyncServer::open_connections() {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

void SyncServer::DisconnectDevice(const std::string& device_id) {
  std::vector<std::shared_ptr<Session>> victims;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto [b, e] = by_device_.equal_range(device_id);
    for (auto it = b; it != e; ++it) {
      if (auto s = sessions_[it->second].lock()) victims.push_back(s);
    }
  }
  for (auto& s : victims) s->Close();
}

void SyncServer::Stop() {
  std::vector<std::shared_ptr<Session>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    for (auto& [p, w] : sessions_) {
      if (auto s = w.lock()) all.push_back(s);
    }
  }
  asio::post(accept_strand_, [this] {
    asio::error_code ignored;
    acceptor_.close(ignored);
  });
  for (auto& s : all) s->Close();
}

}  // namespace wardsync::server

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
      acceptor_(io),
      budget_(ctx.limits.memory_budget_bytes),
      accept_backoff_(accept_strand_),
      shared_pages_(ctx.limits.shared_pages_bytes) {}

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

std::string SyncServer::ShedReason(const std::string& address) const {
  const auto& l = ctx_.limits;
  if (sessions_.size() >= l.max_connections) return "connection limit " + std::to_string(l.max_connections) + " reached";
  // The reserve is at most a tenth of all slots: a small server keeps them
  // for whoever comes first.
  const uint32_t reserve = std::min(l.reserved_authenticated, l.max_connections / 10);
  const uint32_t anonymous_max = l.max_connections - reserve;
  if (anonymous_.size() >= anonymous_max)
    return "limit of " + std::to_string(anonymous_max) + " connections not yet authenticated reached";
  auto it = anonymous_by_address_.find(address);
  if (it != anonymous_by_address_.end() && it->second >= l.max_connections_per_address)
    return "limit of " + std::to_string(l.max_connections_per_address) +
           " connections not yet authenticated from one address reached";
  return "";
}

asio::awaitable<void> SyncServer::AcceptLoop() {
  constexpr std::chrono::milliseconds kFirstBackoff{10}, kMaxBackoff{1000};
  std::chrono::milliseconds backoff = kFirstBackoff;
  for (;;) {
    auto strand = asio::make_strand(io_);
    asio::ip::tcp::socket socket(strand);
    auto [ec] = co_await acceptor_.async_accept(socket, asio::experimental::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      // EMFILE, ENFILE, ENOBUFS...: retrying at once fails again at once.
      // Wait (10 ms doubling to 1 s) and log the episode once, counted.
      accept_errors_.Note(ec.message() + "; retrying with backoff");
      accept_backoff_.expires_after(backoff);
      auto [ignored] = co_await accept_backoff_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    backoff = kFirstBackoff;
    accept_errors_.End();
    asio::error_code pec;
    auto remote = socket.remote_endpoint(pec);
    const std::string address = pec ? "?" : remote.address().to_string();
    std::string peer = pec ? "?" : address + ":" + std::to_string(remote.port());
    socket.set_option(asio::ip::tcp::no_delay(true), pec);
    std::shared_ptr<Session> session;
    std::string shed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) co_return;
      shed = ShedReason(address);
      if (shed.empty()) {
        session = std::make_shared<Session>(*this, Session::Stream(std::move(socket), *tls_), peer);
        sessions_[session.get()] = session;
        anonymous_[session.get()] = address;
        ++anonymous_by_address_[address];
        handshakes_.Entered();
      }
    }
    if (!shed.empty()) {
      shed_.Note("from " + address + ": " + shed);
      if (ctx_.metrics) ctx_.metrics->HelloRefused(HelloRefusal::kConnectionLimit);
      socket.close(pec);
      continue;
    }
    shed_.End();
    session->Start();
  }
}

bool SyncServer::AttachDevice(const std::shared_ptr<Session>& s, const std::string& device_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (by_device_.count(device_id) >= ctx_.limits.max_connections_per_device) return false;
  by_device_.emplace(device_id, s.get());
  LeaveAnonymous(s.get());
  return true;
}

void SyncServer::LeaveAnonymous(Session* s) {
  auto it = anonymous_.find(s);
  if (it == anonymous_.end()) return;
  handshakes_.Left();
  auto a = anonymous_by_address_.find(it->second);
  if (a != anonymous_by_address_.end() && --a->second == 0) anonymous_by_address_.erase(a);
  anonymous_.erase(it);
}

void SyncServer::Forget(Session* s) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(s);
  LeaveAnonymous(s);
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
    accept_backoff_.cancel();
  });
  for (auto& s : all) s->Close();
}

}  // namespace wardsync::server

// The network side of the server: accepts TLS connections on one port and
// runs one session coroutine per connection, each on its own strand.
// Connection limits are enforced here; revocation closes a device's open
// connections.
//
// Limits (issue 10): in all (max_connections); per device once
// authenticated; and for connections not yet authenticated (TLS handshake
// and hello, under one deadline): at most max_connections_per_address from
// one source address, and at most max_connections - reserved_authenticated
// in all, so an anonymous flood is shed while authenticated devices keep
// the reserved slots. Sheds and accept errors (EMFILE...) are logged once
// per episode with a count; accept errors back off exponentially (10 ms ..
// 1 s) instead of spinning.
#pragma once
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/util/log_limiter.h"
#include "server/ingest/group_committer.h"
#include "server/net/episode_log.h"
#include "server/net/handshake_priority.h"
#include "server/net/memory_budget.h"
#include "server/pull/shared_pages.h"
#include "server/server_context.h"

namespace wardsync::server {

class Session;
namespace attach {
class AttachmentFiles;
}

// Syncs past their hello hold back while this many connections are in
// their handshake, and go on at the second figure (handshake_priority.h).
inline constexpr size_t kHoldBackAtHandshakes = 64;
inline constexpr size_t kResumeAtHandshakes = 16;

class SyncServer {
 public:
  SyncServer(asio::io_context& io, ServerContext& ctx, GroupCommitter& committer, asio::thread_pool& store_pool,
             std::shared_ptr<asio::ssl::context> tls);
  ~SyncServer();

  // Binds and starts accepting. Returns the bound port (useful with port 0).
  Result<uint16_t> Listen(const std::string& host, uint16_t port);
  // Stops accepting and closes every connection.
  void Stop();
  // Closes every open connection of the device (after revocation).
  void DisconnectDevice(const std::string& device_id);
  size_t open_connections();

  // --- used by sessions ---
  ServerContext& ctx() { return ctx_; }
  GroupCommitter& committer() { return committer_; }
  asio::thread_pool& store_pool() { return store_pool_; }
  // Where attachment bytes go (server/attach); null: none are taken.
  void ServeAttachments(attach::AttachmentFiles* files) { attachments_ = files; }
  attach::AttachmentFiles* attachments() { return attachments_; }
  // Binds a session to its authenticated device; false if the device already
  // has the maximum number of connections.
  bool AttachDevice(const std::shared_ptr<Session>& s, const std::string& device_id);
  void Forget(Session* s);
  // Log lines of sessions, per source: 30 per 10 s.
  util::LogLimiter& log_limiter() { return log_limiter_; }
  // Bytes of pushes in flight across every connection (memory_budget.h).
  MemoryBudget& budget() { return budget_; }
  // Connections still in their handshake, ahead of syncs past theirs.
  HandshakePriority& handshakes() { return handshakes_; }
  // Pull pages compressed once for the devices of a ward (shared_pages.h).
  SharedPullPages& shared_pages() { return shared_pages_; }

 private:
  asio::awaitable<void> AcceptLoop();
  // Why a new connection from `address` is refused ("" = admitted); mu_ held.
  std::string ShedReason(const std::string& address) const;
  void LeaveAnonymous(Session* s);  // mu_ held

  asio::io_context& io_;
  ServerContext& ctx_;
  GroupCommitter& committer_;
  asio::thread_pool& store_pool_;
  std::shared_ptr<asio::ssl::context> tls_;
  // The accept loop and Stop's close of the acceptor run on this strand: the
  // io_context has several threads, and an acceptor is not safe to close
  // while another thread is inside async_accept (the control socket had the
  // same race; common/control/control_channel.cc).
  asio::strand<asio::io_context::executor_type> accept_strand_;
  asio::ip::tcp::acceptor acceptor_;
  std::mutex mu_;
  std::map<Session*, std::weak_ptr<Session>> sessions_;
  std::multimap<std::string, Session*> by_device_;
  std::map<Session*, std::string> anonymous_;             // not yet authenticated -> source address
  std::map<std::string, uint32_t> anonymous_by_address_;  // their count per address
  bool stopped_ = false;
  util::LogLimiter log_limiter_{30, std::chrono::seconds(10)};
  MemoryBudget budget_;
  HandshakePriority handshakes_{kHoldBackAtHandshakes, kResumeAtHandshakes};
  // Accept strand only:
  asio::steady_timer accept_backoff_;
  EpisodeLog accept_errors_{"accept failed", std::chrono::seconds(1)};
  EpisodeLog shed_{"connections refused", std::chrono::seconds(1)};
  attach::AttachmentFiles* attachments_ = nullptr;
  SharedPullPages shared_pages_;
};

}  // namespace wardsync::server

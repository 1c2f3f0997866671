// The network side of the server: accepts TLS connections on one port and
// runs one session coroutine per connection, each on its own strand.
// Connection limits (total, per device) are enforced here; revocation closes
// a device's open connections.
#pragma once
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "server/ingest/group_committer.h"
#include "server/server_context.h"

namespace wardsync::server {

class Session;
namespace attach {
class AttachmentFiles;
}

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

 private:
  asio::awaitable<void> AcceptLoop();

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
  bool stopped_ = false;
  attach::AttachmentFiles* attachments_ = nullptr;
};

}  // namespace wardsync::server

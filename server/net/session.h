// One client connection, as one coroutine on its own strand:
//   TLS handshake (deadline) -> first frame: Enroll or Hello (deadline)
//   Hello: version, device proof over the TLS exporter, revocation check
//   then frames in any order until Bye/EOF/idle timeout:
//     Push        -> group commit -> PushAck (or Error)
//     PullRequest -> one bounded page -> PullBatch
// Every step has a deadline; every refusal is logged with its reason; one
// line per sync summarizes it.
#pragma once
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "proto/store.pb.h"
#include "proto/sync.pb.h"

namespace wardsync::server {

class SyncServer;

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Stream = asio::ssl::stream<asio::ip::tcp::socket>;
  Session(SyncServer& server, Stream stream, std::string peer);
  void Start();
  // Thread-safe: closes the connection from any thread.
  void Close();

 private:
  asio::awaitable<void> Run();
  asio::awaitable<void> Serve();

  SyncServer& server_;
  Stream stream_;
  std::string peer_;
};

}  // namespace wardsync::server

// The local control channel (see proto/admin.proto): a process that holds a
// data directory's LevelDB serves commands for that directory on a Unix
// socket inside it (mode 0600: only the directory's owner may use it).
//
// One connection carries one command: a LocalCommand frame in, a
// LocalCommandResult frame out (4-byte big-endian length + protobuf).
#pragma once
#include <asio.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "proto/admin.pb.h"

namespace wardsync::control {

// Who is on the other end of a control connection (SO_PEERCRED): the local
// user who ran the command, recorded by commands that keep an audit trail
// (`wardsync-server import`).
struct Peer {
  bool known = false;
  uint32_t uid = 0;
  int32_t pid = 0;
};

// Runs a command line and returns what it printed and its exit code. Called
// on `worker` threads, never on an io thread, so it may block.
using CommandHandler =
    std::function<wardsync::admin::LocalCommandResult(const std::vector<std::string>& args, const Peer& peer)>;

class ControlServer {
 public:
  ControlServer(asio::io_context& io, asio::thread_pool& worker, CommandHandler handler);
  // Removes a stale socket file (the caller holds the directory's lock), binds, chmods 0600.
  Status Listen(const std::string& path);
  void Stop();

 private:
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> Serve(asio::local::stream_protocol::socket socket);
  asio::io_context& io_;
  asio::thread_pool& worker_;
  CommandHandler handler_;
  // The accept loop and Stop's close run on this strand: the io_context has
  // several threads, and closing the acceptor while another thread starts
  // the next accept on it crashed (seen in the review tests' server stops).
  asio::strand<asio::io_context::executor_type> strand_;
  asio::local::stream_protocol::acceptor acceptor_;
  std::string path_;
};

// Blocking client used by the command-line tools. Unavailable if nothing
// listens on `path`.
Result<wardsync::admin::LocalCommandResult> CallControl(const std::string& path, const std::vector<std::string>& args);

}  // namespace wardsync::control

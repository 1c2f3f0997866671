// What one simulated device does on the wire, as coroutines on the load
// generator's io_context: the project's TLS context, handshake, exporter
// proof and framing (common/net, common/wire) — the same code as
// client::RunSync — without a client store.
//
// SyncRound: connect from the device's source address, TLS (resuming the
// device's last session), then the client's first flight in one write
// (Hello, every unacknowledged Push, PullRequest from the device's cursor),
// read HelloReply, one PushAck per Push, PullBatch pages until `more` is
// false (asking for the next page after each), then Bye. The round is done
// (`done_at`) when the last page is read; the TLS close that follows is not
// timed. Pulled records are counted, not parsed (pull_scan.h): the server's
// work is what is measured, and 2,000 devices' parsing would need cores
// the machine does not have.
//
// HoldIdle: connect, TLS, Hello, HelloReply, then stay connected and silent,
// waiting only for the socket to turn readable (the server closing it is a
// drop), until Release (S6: memory of idle authenticated devices).
#pragma once
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "bench/loadgen/sim_device.h"
#include "common/net/framed_stream.h"
#include "common/status.h"

namespace wardsync::bench {

struct LoadContext {
  asio::ip::tcp::endpoint server;
  std::shared_ptr<asio::ssl::context> tls;
  uint64_t forms_epoch = 0;
  // The client's defaults (client::SyncOptions).
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds io_timeout{30'000};
  uint32_t pull_batch = 2000;
};

struct RoundOutcome {
  Status status = Status::Internal("round did not run");
  std::chrono::steady_clock::time_point done_at;
  uint64_t pulled = 0;
  uint64_t pages = 0;
  bool resumed = false;
};

asio::awaitable<void> SyncRound(const LoadContext& lc, SimDevice& dev, RoundOutcome& out);

struct IdleOutcome {
  Status status = Status::Internal("connection did not run");
  bool authenticated = false;
  bool dropped = false;     // the server closed (or wrote to) the idle connection
  net::TlsStream* holding = nullptr;  // while held
};

// Shared by every held connection: how many are authenticated, how many
// have settled (authenticated or failed), and a timer whose waiter (the
// launcher) is woken, by cancel, whenever one settles.
struct IdleProgress {
  size_t authenticated = 0;
  size_t settled = 0;
  asio::steady_timer* wake = nullptr;
};

asio::awaitable<void> HoldIdle(const LoadContext& lc, SimDevice& dev, IdleOutcome& out, IdleProgress& progress);
// Ends a hold (call on the io_context's thread).
void Release(IdleOutcome& out);

}  // namespace wardsync::bench

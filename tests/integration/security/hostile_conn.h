// Connections a well-behaved client never makes, for the security tests:
// plain TCP with garbage, TLS with chosen versions / CA / host name, frames
// cut short or built by hand. Every operation has a deadline, so a server
// that misbehaves fails the test instead of hanging it.
#pragma once
#include <asio.hpp>
#include <asio/ssl.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/crypto/ed25519.h"
#include "common/net/framed_stream.h"
#include "common/status.h"
#include "proto/sync.pb.h"

namespace wardsync::test {

inline constexpr std::chrono::milliseconds kProbeTimeout{10'000};

struct TlsOptions {
  std::string ca_pem;                    // what the client trusts
  std::string expected_host = "127.0.0.1";
  bool tls12_only = false;               // offer TLS 1.2 and nothing newer
};

class HostileConn {
 public:
  // TCP only (no TLS): for garbage in place of a handshake.
  static Result<std::unique_ptr<HostileConn>> Tcp(uint16_t port);
  // TCP + TLS handshake; the Status of a failed handshake is returned as is.
  static Result<std::unique_ptr<HostileConn>> Tls(uint16_t port, const TlsOptions& options);
  ~HostileConn();

  // Raw bytes on the TCP socket (Tcp) or inside TLS (Tls).
  Status Send(const std::string& bytes);
  // One length-prefixed frame inside TLS.
  Status SendFrame(const sync::Frame& frame);
  // A hello for device_id signed with key over this connection's exporter.
  Status SendHello(const std::string& device_id, const crypto::PrivateKey& key);
  // The next frame (inside TLS).
  Result<sync::Frame> Read(std::chrono::milliseconds timeout = kProbeTimeout);
  // Waits until the server closes the connection (reading and dropping
  // whatever frames or bytes it sends first). kDeadlineExceeded if it is
  // still open after `timeout`.
  Status WaitClosed(std::chrono::milliseconds timeout = kProbeTimeout);

  net::TlsStream& tls() { return *tls_; }
  // The framing Read uses (e.g. to accept compressed frames after a hello
  // that negotiated them).
  net::FramedStream& framed() { return *framed_; }

 private:
  HostileConn();
  Status Run(asio::awaitable<Status> op);

  asio::io_context io_;
  std::shared_ptr<asio::ssl::context> ctx_;
  std::unique_ptr<net::TlsStream> tls_;
  std::unique_ptr<net::FramedStream> framed_;
  bool use_tls_ = false;
};

// Runs fn with the process's stderr (fd 2) going to a file; returns what was
// written. Used to check that the server logged a refusal.
std::string CaptureStderr(const std::function<void()>& fn);

}  // namespace wardsync::test

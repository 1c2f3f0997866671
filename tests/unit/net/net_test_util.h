// Test helpers: a throwaway committee PKI and a real TLS connection pair on
// 127.0.0.1 (port 0), both coroutines run on one io_context on the test thread.
// Never write co_await inside a Catch macro (CHECK((co_await x).ok())): the
// macros mention their argument more than once and GCC evaluates the await
// each time. Await into a local first.
#pragma once
#include <catch2/catch.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/crypto/ed25519.h"
#include "common/crypto/pki.h"
#include "common/net/framed_stream.h"
#include "common/net/tls_context.h"

namespace wardsync::nettest {

using namespace std::chrono_literals;
inline constexpr std::chrono::milliseconds kTimeout = 5s;

struct TestPki {
  crypto::PrivateKey ca_key;
  crypto::PrivateKey server_key;
  std::string ca_pem;
  std::string server_pem;
  std::string chain_pem;  // server certificate then CA certificate
};

inline TestPki MakeTestPki(const std::vector<std::string>& hosts = {"localhost", "127.0.0.1", "::1"}) {
  auto ca_key = crypto::PrivateKey::Generate();
  auto server_key = crypto::PrivateKey::Generate();
  REQUIRE(ca_key.ok());
  REQUIRE(server_key.ok());
  auto ca = crypto::MakeCaCertificate(*ca_key, "Test Committee CA", 30);
  REQUIRE(ca.ok());
  auto server = crypto::IssueServerCertificate(*ca_key, *ca, *server_key, hosts, 30);
  INFO(server.status().message());
  REQUIRE(server.ok());
  return TestPki{*ca_key, *server_key, *ca, *server, *server + *ca};
}

inline std::shared_ptr<asio::ssl::context> ServerContext(const TestPki& pki) {
  auto ctx = net::MakeServerTlsContext(pki.chain_pem, pki.server_key);
  INFO(ctx.status().message());
  REQUIRE(ctx.ok());
  return *ctx;
}

inline std::shared_ptr<asio::ssl::context> ClientContext(const std::string& ca_pem) {
  auto ctx = net::MakeClientTlsContext(ca_pem);
  INFO(ctx.status().message());
  REQUIRE(ctx.ok());
  return *ctx;
}

inline void ExpectLocalhost(SSL* ssl) { REQUIRE(net::SetExpectedHost(ssl, "localhost").ok()); }

// One connection: the client connects to a fresh listener, both sides shake
// hands, then each runs its body (only if its own handshake succeeded).
struct PairSpec {
  asio::ssl::context* server_ctx = nullptr;
  asio::ssl::context* client_ctx = nullptr;
  // Before the client handshake; by default expects the name "localhost".
  std::function<void(SSL*)> client_setup = ExpectLocalhost;
  std::function<asio::awaitable<void>(net::TlsStream&)> server_body;
  std::function<asio::awaitable<void>(net::TlsStream&)> client_body;
};

struct PairResult {
  Status server_handshake = Status::Internal("not run");
  Status client_handshake = Status::Internal("not run");
};

inline PairResult RunPair(const PairSpec& spec) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = acceptor.local_endpoint().port();
  PairResult result;
  std::exception_ptr failure;
  auto record = [&failure](std::exception_ptr e) {
    if (e && !failure) failure = e;
  };

  auto server = [&]() -> asio::awaitable<void> {
    net::TlsStream stream(io, *spec.server_ctx);
    std::error_code ec;
    co_await acceptor.async_accept(stream.lowest_layer(), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      result.server_handshake = Status::Unavailable("accept: " + ec.message());
      co_return;
    }
    result.server_handshake = co_await net::TlsHandshake(stream, asio::ssl::stream_base::server, kTimeout);
    if (result.server_handshake.ok() && spec.server_body) co_await spec.server_body(stream);
  };
  auto client = [&]() -> asio::awaitable<void> {
    net::TlsStream stream(io, *spec.client_ctx);
    Status st = co_await net::Connect(stream, "127.0.0.1", port, kTimeout);
    if (!st.ok()) {
      result.client_handshake = st;
      co_return;
    }
    if (spec.client_setup) spec.client_setup(stream.native_handle());
    result.client_handshake = co_await net::TlsHandshake(stream, asio::ssl::stream_base::client, kTimeout);
    if (result.client_handshake.ok() && spec.client_body) co_await spec.client_body(stream);
  };
  asio::co_spawn(io, server(), record);
  asio::co_spawn(io, client(), record);
  io.run();
  if (failure) std::rethrow_exception(failure);
  return result;
}

inline sync::Frame PushAckFrame(uint64_t seq) {
  sync::Frame f;
  f.mutable_push_ack()->set_acked_seq(seq);
  return f;
}

}  // namespace wardsync::nettest

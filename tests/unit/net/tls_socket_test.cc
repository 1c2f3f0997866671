// net::TlsSocket (OpenSSL on the socket itself, tls_socket.h): large frames
// both ways at once, a peer that goes away (no SIGPIPE: this test binary does
// not ignore it), close_notify vs a cut, and a closed socket never used again.
#include <catch2/catch.hpp>

#include <asio/experimental/awaitable_operators.hpp>
#include <openssl/ssl.h>

#include "tests/unit/net/net_test_util.h"

namespace wardsync {
namespace {

using namespace nettest;

sync::Frame BigFrame(uint64_t seq, size_t bytes) {
  sync::Frame f;
  auto* e = f.mutable_error();
  e->set_seq(seq);
  // Incompressible-looking, so it crosses as many TLS records.
  std::string text(bytes, 'a');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + (i * 7919 + seq) % 26);
  e->set_message(text);
  return f;
}

constexpr int kFrames = 6;
constexpr size_t kFrameBytes = 700 * 1024;  // > 40 TLS records each, more than a socket buffer

asio::awaitable<void> ReadAll(net::FramedStream& io, int* got) {
  for (int i = 0; i < kFrames; ++i) {
    auto f = co_await io.Read(kTimeout);
    INFO(f.status().message());
    REQUIRE(f.ok());
    REQUIRE(f->error().seq() == static_cast<uint64_t>(i));
    REQUIRE(f->error().message() == BigFrame(i, kFrameBytes).error().message());
    ++*got;
  }
}

// Queues every frame, then writes them while reading the peer's: the writes
// only finish if the other side reads while it writes (full duplex on one
// connection, as a session's acks and reads are).
asio::awaitable<void> Duplex(net::TlsStream& s, int* got) {
  using namespace asio::experimental::awaitable_operators;
  net::FramedStream io(s, 8 * 1024 * 1024);
  for (int i = 0; i < kFrames; ++i) REQUIRE(io.Queue(BigFrame(i, kFrameBytes)).ok());
  Status flushed = co_await (io.Flush(kTimeout) && ReadAll(io, got));
  INFO(flushed.message());
  REQUIRE(flushed.ok());
}

TEST_CASE("TlsSocket carries large frames both ways at once", "[net][tls]") {
  auto pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto client_ctx = ClientContext(pki.ca_pem);
  int server_got = 0, client_got = 0;
  PairSpec spec;
  spec.server_ctx = server_ctx.get();
  spec.client_ctx = client_ctx.get();
  spec.server_body = [&server_got](net::TlsStream& s) { return Duplex(s, &server_got); };
  spec.client_body = [&client_got](net::TlsStream& s) { return Duplex(s, &client_got); };
  auto r = RunPair(spec);
  REQUIRE(r.server_handshake.ok());
  REQUIRE(r.client_handshake.ok());
  CHECK(server_got == kFrames);
  CHECK(client_got == kFrames);
}

TEST_CASE("TlsSocket: writing to a peer that went away fails cleanly, without SIGPIPE", "[net][tls]") {
  auto pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto client_ctx = ClientContext(pki.ca_pem);
  Status write_result;
  PairSpec spec;
  spec.server_ctx = server_ctx.get();
  spec.client_ctx = client_ctx.get();
  spec.server_body = [](net::TlsStream& s) -> asio::awaitable<void> {
    // The server reads the first frame, then drops the connection (no close_notify).
    net::FramedStream io(s);
    auto f = co_await io.Read(kTimeout);
    REQUIRE(f.ok());
    std::error_code ignored;
    s.lowest_layer().close(ignored);
  };
  spec.client_body = [&write_result](net::TlsStream& s) -> asio::awaitable<void> {
    net::FramedStream io(s, 8 * 1024 * 1024);
    Status first = co_await io.Write(PushAckFrame(1), kTimeout);
    REQUIRE(first.ok());
    // Keep writing until the kernel reports the reset: a write() here would
    // raise SIGPIPE and kill this process.
    for (int i = 0; i < 200 && write_result.ok(); ++i) write_result = co_await io.Write(BigFrame(i, 256 * 1024), kTimeout);
  };
  auto r = RunPair(spec);
  REQUIRE(r.client_handshake.ok());
  INFO(write_result.message());
  CHECK(write_result.code() == Status::Code::kUnavailable);
  CHECK(write_result.message().rfind("write failed: ", 0) == 0);
}

TEST_CASE("TlsSocket tells a close_notify from a cut connection", "[net][tls]") {
  auto pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto client_ctx = ClientContext(pki.ca_pem);
  for (const bool polite : {true, false}) {
    DYNAMIC_SECTION((polite ? "close_notify" : "cut")) {
      std::error_code read_ec;
      PairSpec spec;
      spec.server_ctx = server_ctx.get();
      spec.client_ctx = client_ctx.get();
      spec.server_body = [polite](net::TlsStream& s) -> asio::awaitable<void> {
        if (polite) {
          // Sends close_notify; the client's read sees a clean end.
          co_await net::TlsShutdown(s, std::chrono::milliseconds(500));
        }
        std::error_code ignored;
        s.lowest_layer().close(ignored);
      };
      spec.client_body = [&read_ec](net::TlsStream& s) -> asio::awaitable<void> {
        char buf[64];
        co_await s.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, read_ec));
        if (!read_ec) read_ec = make_error_code(std::errc::protocol_error);  // no data was sent
      };
      auto r = RunPair(spec);
      REQUIRE(r.client_handshake.ok());
      INFO(read_ec.message());
      if (polite) {
        CHECK(read_ec == asio::error::eof);
      } else {
        CHECK(read_ec == asio::ssl::error::stream_truncated);
      }
    }
  }
}

TEST_CASE("TlsSocket never touches a socket after it was closed", "[net][tls]") {
  auto pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto client_ctx = ClientContext(pki.ca_pem);
  std::error_code read_ec, write_ec;
  PairSpec spec;
  spec.server_ctx = server_ctx.get();
  spec.client_ctx = client_ctx.get();
  spec.server_body = [](net::TlsStream& s) -> asio::awaitable<void> {
    char buf[16];
    std::error_code ec;
    co_await s.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
  };
  spec.client_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    std::error_code ignored;
    s.lowest_layer().close(ignored);  // as a deadline does
    char buf[16] = {};
    co_await s.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, read_ec));
    co_await s.async_write_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, write_ec));
  };
  auto r = RunPair(spec);
  REQUIRE(r.client_handshake.ok());
  CHECK(read_ec == asio::error::bad_descriptor);
  CHECK(write_ec == asio::error::bad_descriptor);
}

}  // namespace
}  // namespace wardsync

#include "tests/integration/security/hostile_conn.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <asio/experimental/as_tuple.hpp>

#include "common/net/tls_context.h"
#include "common/version.h"
#include "common/wire/framing.h"

namespace wardsync::test {

namespace {

// Free coroutines with parameters (GCC 12: no capturing coroutine lambdas).
asio::awaitable<Status> ConnectOnly(net::TlsStream* tls, uint16_t port) {
  co_return co_await net::Connect(*tls, "127.0.0.1", port, kProbeTimeout);
}

asio::awaitable<Status> ConnectAndHandshake(net::TlsStream* tls, uint16_t port) {
  Status s = co_await net::Connect(*tls, "127.0.0.1", port, kProbeTimeout);
  if (s.ok()) s = co_await net::TlsHandshake(*tls, asio::ssl::stream_base::client, kProbeTimeout);
  co_return s;
}

template <typename Stream>
asio::awaitable<Status> WriteAll(Stream* s, std::string bytes) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(kProbeTimeout);
  auto on_timeout = [s](const asio::error_code& ec) {
    asio::error_code ignored;
    if (!ec) s->lowest_layer().close(ignored);
  };
  timer.async_wait(on_timeout);
  auto [ec, n] = co_await asio::async_write(*s, asio::buffer(bytes), asio::experimental::as_tuple(asio::use_awaitable));
  timer.cancel();
  co_return ec ? Status::Unavailable("write: " + ec.message()) : Status::Ok();
}

template <typename Stream>
asio::awaitable<Status> ReadUntilClosed(Stream* s, std::chrono::milliseconds timeout) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(timeout);
  bool timed_out = false;
  auto on_timeout = [s, &timed_out](const asio::error_code& ec) {
    asio::error_code ignored;
    if (!ec) {
      timed_out = true;
      s->lowest_layer().close(ignored);
    }
  };
  timer.async_wait(on_timeout);
  char buf[4096];
  for (;;) {
    auto [ec, n] = co_await s->async_read_some(asio::buffer(buf), asio::experimental::as_tuple(asio::use_awaitable));
    if (ec) break;
  }
  timer.cancel();
  co_return timed_out ? Status::Deadline("the server kept the connection open") : Status::Ok();
}

asio::awaitable<Status> ReadFrame(net::FramedStream* io, std::chrono::milliseconds timeout, sync::Frame* out) {
  auto r = co_await io->Read(timeout);
  if (!r.ok()) co_return r.status();
  *out = std::move(r).value();
  co_return Status::Ok();
}

asio::awaitable<void> RunOp(asio::awaitable<Status> op, Status* result) { *result = co_await std::move(op); }

}  // namespace

HostileConn::HostileConn() = default;
HostileConn::~HostileConn() = default;

Status HostileConn::Run(asio::awaitable<Status> op) {
  Status result = Status::Internal("did not run");
  io_.restart();
  asio::co_spawn(io_, RunOp(std::move(op), &result), asio::detached);
  io_.run();
  return result;
}

Result<std::unique_ptr<HostileConn>> HostileConn::Tcp(uint16_t port) {
  std::unique_ptr<HostileConn> c(new HostileConn());
  c->ctx_ = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  c->tls_ = std::make_unique<net::TlsStream>(c->io_, *c->ctx_);
  WS_RETURN_IF_ERROR(c->Run(ConnectOnly(c->tls_.get(), port)));
  return c;
}

Result<std::unique_ptr<HostileConn>> HostileConn::Tls(uint16_t port, const TlsOptions& options) {
  std::unique_ptr<HostileConn> c(new HostileConn());
  if (options.tls12_only) {
    // Our own context: the library's refuses to offer anything but 1.3.
    c->ctx_ = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(c->ctx_->native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(c->ctx_->native_handle(), TLS1_2_VERSION);
    c->ctx_->set_verify_mode(asio::ssl::verify_none);
  } else {
    auto ctx = net::MakeClientTlsContext(options.ca_pem);
    if (!ctx.ok()) return ctx.status();
    c->ctx_ = *ctx;
  }
  c->tls_ = std::make_unique<net::TlsStream>(c->io_, *c->ctx_);
  if (!options.tls12_only) WS_RETURN_IF_ERROR(net::SetExpectedHost(c->tls_->native_handle(), options.expected_host));
  WS_RETURN_IF_ERROR(c->Run(ConnectAndHandshake(c->tls_.get(), port)));
  c->use_tls_ = true;
  c->framed_ = std::make_unique<net::FramedStream>(*c->tls_);
  return c;
}

Status HostileConn::Send(const std::string& bytes) {
  if (use_tls_) return Run(WriteAll(tls_.get(), bytes));
  return Run(WriteAll(&tls_->next_layer(), bytes));
}

Status HostileConn::SendFrame(const sync::Frame& frame) {
  std::string out;
  wire::AppendFrame(frame.SerializeAsString(), &out);
  return Send(out);
}

Status HostileConn::SendHello(const std::string& device_id, const crypto::PrivateKey& key) {
  sync::Frame f;
  auto* hello = f.mutable_hello();
  hello->set_min_version(kMinProtocolVersion);
  hello->set_max_version(kProtocolVersion);
  hello->set_device_id(device_id);
  hello->set_auth_signature(key.Sign(crypto::kAuthContext, net::ExportAuthBinding(tls_->native_handle())));
  return SendFrame(f);
}

Result<sync::Frame> HostileConn::Read(std::chrono::milliseconds timeout) {
  sync::Frame f;
  WS_RETURN_IF_ERROR(Run(ReadFrame(framed_.get(), timeout, &f)));
  return f;
}

Status HostileConn::WaitClosed(std::chrono::milliseconds timeout) {
  if (use_tls_) return Run(ReadUntilClosed(tls_.get(), timeout));
  return Run(ReadUntilClosed(&tls_->next_layer(), timeout));
}

std::string CaptureStderr(const std::function<void()>& fn) {
  char path[] = "/tmp/wardsync-stderr-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) {
    fn();
    return "";
  }
  fflush(stderr);
  int saved = dup(2);
  dup2(fd, 2);
  fn();
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  close(fd);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  unlink(path);
  return ss.str();
}

}  // namespace wardsync::test

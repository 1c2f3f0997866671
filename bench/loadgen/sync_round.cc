#include "bench/loadgen/sync_round.h"

#include <openssl/ssl.h>

#include "bench/loadgen/frame_reader.h"
#include "common/clock/clock.h"
#include "common/net/deadline.h"
#include "common/net/framed_stream.h"
#include "common/net/tls_context.h"
#include "common/version.h"
#include "common/wire/framing.h"
#include "proto/sync.pb.h"

namespace wardsync::bench {

namespace sync = wardsync::sync;
using net::TlsStream;

namespace {

std::string Ms(std::chrono::milliseconds t) { return std::to_string(t.count()) + " ms"; }

void Close(TlsStream& tls) {
  std::error_code ignored;
  tls.lowest_layer().close(ignored);
}

// TCP connect from the device's own source address, with a deadline.
asio::awaitable<Status> ConnectFrom(TlsStream& tls, const LoadContext& lc, const SimDevice& dev) {
  auto& sock = tls.lowest_layer();
  std::error_code ec;
  sock.open(asio::ip::tcp::v4(), ec);
  if (!ec) sock.bind(asio::ip::tcp::endpoint(dev.source(), 0), ec);
  if (ec) co_return Status::Unavailable("bind to " + dev.source().to_string() + ": " + ec.message());
  bool expired = false;
  {
    net::Deadline dl(co_await asio::this_coro::executor, lc.connect_timeout, [&tls] { Close(tls); });
    co_await sock.async_connect(lc.server, asio::redirect_error(asio::use_awaitable, ec));
    expired = dl.expired();
  }
  if (expired) co_return Status::Deadline("connect timed out after " + Ms(lc.connect_timeout));
  if (ec) co_return Status::Unavailable("connect: " + ec.message());
  sock.set_option(asio::ip::tcp::no_delay(true), ec);
  co_return Status::Ok();
}

asio::awaitable<Status> WriteAll(TlsStream& tls, const std::string& bytes, std::chrono::milliseconds timeout) {
  std::error_code ec;
  bool expired = false;
  {
    net::Deadline dl(co_await asio::this_coro::executor, timeout, [&tls] { Close(tls); });
    co_await asio::async_write(tls, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
    expired = dl.expired();
  }
  if (expired) co_return Status::Deadline("write timed out after " + Ms(timeout));
  if (ec) co_return Status::Unavailable("write: " + ec.message());
  co_return Status::Ok();
}

// Connect and handshake (offering the device's last session), as RunSync does.
asio::awaitable<Status> Open(TlsStream& tls, const LoadContext& lc, const SimDevice& dev) {
  Status s = co_await ConnectFrom(tls, lc, dev);
  if (!s.ok()) co_return s;
  s = net::SetExpectedHost(tls.native_handle(), lc.server.address().to_string());
  if (!s.ok()) co_return s;
  if (!dev.session.empty()) net::RestoreSession(tls.native_handle(), dev.session);
  co_return co_await net::TlsHandshake(tls, asio::ssl::stream_base::client, lc.connect_timeout);
}

std::string HelloPayload(TlsStream& tls, const LoadContext& lc, const SimDevice& dev, uint64_t pending) {
  sync::Frame f;
  auto* h = f.mutable_hello();
  h->set_min_version(kMinClientProtocolVersion);
  h->set_max_version(kProtocolVersion);
  h->set_device_id(dev.who().id);
  h->set_auth_signature(dev.who().key.Sign(crypto::kAuthContext, net::ExportAuthBinding(tls.native_handle())));
  h->set_key_epoch(0);
  h->set_acked_seq(dev.acked_seq());
  h->set_pull_cursor(dev.cursor);
  h->set_forms_epoch(lc.forms_epoch);
  auto* r = h->mutable_report();
  r->set_queue_depth(pending);
  r->set_clock_ms(static_cast<int64_t>(SystemClock().NowMs()));
  r->set_client_version(kSoftwareVersion);
  r->set_last_seq(dev.last_seq());
  h->set_accept_zstd(true);
  return f.SerializeAsString();
}

std::string PullPayload(const LoadContext& lc, uint64_t cursor) {
  sync::Frame f;
  f.mutable_pull_request()->set_cursor(cursor);
  f.mutable_pull_request()->set_max_records(lc.pull_batch);
  return f.SerializeAsString();
}

std::string ErrorText(const sync::Frame& f) {
  std::string text = "server refused: " + f.error().message();
  if (f.error().seq()) text += " (change-set " + std::to_string(f.error().seq()) + ")";
  return text;
}

// Reads the HelloReply: keeps the session for the next round.
asio::awaitable<Status> ReadHelloReply(TlsStream& tls, FrameReader& in, const LoadContext& lc, SimDevice& dev) {
  auto payload = co_await in.Next(lc.io_timeout);
  if (!payload.ok()) co_return payload.status();
  // TLS 1.3 tickets arrive after the handshake, ahead of the first reply.
  if (std::string s = net::SaveSession(tls.native_handle()); !s.empty()) dev.session = std::move(s);
  sync::Frame f;
  Status parsed = ParseFrame(*payload, &f);
  if (!parsed.ok()) co_return parsed;
  if (f.has_error()) co_return Status::Unauthenticated(ErrorText(f));
  if (!f.has_hello_reply()) co_return Status::Invalid("the server answered the hello with something else");
  in.AcceptCompressed(f.hello_reply().zstd());
  dev.Acknowledge(f.hello_reply().server_seq());
  co_return Status::Ok();
}

asio::awaitable<Status> Round(TlsStream& tls, const LoadContext& lc, SimDevice& dev, RoundOutcome& out) {
  Status s = co_await Open(tls, lc, dev);
  if (!s.ok()) co_return s;
  out.resumed = SSL_session_reused(tls.native_handle()) == 1;
  // The first flight, in one write: hello, pushes, pull request.
  const auto pushes = dev.TakeRound();
  std::string flight;
  wire::AppendFrame(HelloPayload(tls, lc, dev, pushes.size()), &flight);
  for (const auto* p : pushes) wire::AppendFrame(p->payload, &flight);
  wire::AppendFrame(PullPayload(lc, dev.cursor), &flight);
  const uint64_t expect_acks = pushes.size();
  const uint64_t push_through = pushes.empty() ? 0 : pushes.back()->last_seq;
  s = co_await WriteAll(tls, flight, lc.io_timeout);
  if (!s.ok()) co_return s;

  FrameReader in(tls);
  s = co_await ReadHelloReply(tls, in, lc, dev);
  if (!s.ok()) co_return s;
  uint64_t acks = 0;
  for (;;) {
    auto payload = co_await in.Next(lc.io_timeout);
    if (!payload.ok()) co_return payload.status();
    PullPage page;
    if (ScanPullBatch(*payload, &page)) {
      if (acks < expect_acks) co_return Status::Invalid("a pull page before every push was acknowledged");
      out.pulled += page.records;
      ++out.pages;
      dev.cursor = std::max(dev.cursor, page.cursor);
      if (!page.more) break;
      std::string next;
      wire::AppendFrame(PullPayload(lc, dev.cursor), &next);
      s = co_await WriteAll(tls, next, lc.io_timeout);
      if (!s.ok()) co_return s;
      continue;
    }
    sync::Frame f;
    s = ParseFrame(*payload, &f);
    if (!s.ok()) co_return s;
    if (f.has_error()) co_return Status::Denied(ErrorText(f));
    if (!f.has_push_ack()) co_return Status::Invalid("unexpected frame from the server");
    ++acks;
    dev.Acknowledge(f.push_ack().acked_seq());
  }
  if (dev.acked_seq() < push_through) {
    co_return Status::Internal("change-sets up to " + std::to_string(push_through) + " sent, acknowledged up to " +
                               std::to_string(dev.acked_seq()));
  }
  out.done_at = std::chrono::steady_clock::now();
  sync::Frame bye;
  bye.mutable_bye();
  std::string last;
  wire::AppendFrame(bye.SerializeAsString(), &last);
  // The round's outcome is decided; a bye that does not go only means the
  // connection is already closing.
  (void)co_await WriteAll(tls, last, lc.io_timeout);
  (void)co_await net::TlsShutdown(tls, std::chrono::milliseconds(1000));
  co_return Status::Ok();
}

}  // namespace

asio::awaitable<void> SyncRound(const LoadContext& lc, SimDevice& dev, RoundOutcome& out) {
  TlsStream tls(co_await asio::this_coro::executor, *lc.tls);
  out.status = co_await Round(tls, lc, dev, out);
  Close(tls);
}

namespace {

void Settle(IdleProgress& p) {
  ++p.settled;
  if (p.wake) p.wake->cancel();
}

asio::awaitable<Status> Idle(TlsStream& tls, const LoadContext& lc, SimDevice& dev, IdleOutcome& out,
                             IdleProgress& progress) {
  Status s = co_await Open(tls, lc, dev);
  if (!s.ok()) co_return s;
  std::string flight;
  wire::AppendFrame(HelloPayload(tls, lc, dev, 0), &flight);
  s = co_await WriteAll(tls, flight, lc.io_timeout);
  if (!s.ok()) co_return s;
  {
    FrameReader in(tls);  // gone before the hold: an idle device keeps no read buffer
    s = co_await ReadHelloReply(tls, in, lc, dev);
    if (!s.ok()) co_return s;
  }
  out.authenticated = true;
  ++progress.authenticated;
  Settle(progress);
  out.holding = &tls;
  std::error_code ec;
  co_await tls.lowest_layer().async_wait(asio::ip::tcp::socket::wait_read,
                                         asio::redirect_error(asio::use_awaitable, ec));
  out.holding = nullptr;
  if (ec != asio::error::operation_aborted) {
    out.dropped = true;
    co_return Status::Unavailable("the server ended an idle authenticated connection");
  }
  co_return Status::Ok();
}

}  // namespace

asio::awaitable<void> HoldIdle(const LoadContext& lc, SimDevice& dev, IdleOutcome& out, IdleProgress& progress) {
  TlsStream tls(co_await asio::this_coro::executor, *lc.tls);
  out.status = co_await Idle(tls, lc, dev, out, progress);
  if (!out.authenticated) Settle(progress);
  Close(tls);
}

void Release(IdleOutcome& out) {
  if (out.holding == nullptr) return;
  std::error_code ignored;
  out.holding->lowest_layer().cancel(ignored);
}

}  // namespace wardsync::bench

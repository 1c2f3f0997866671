// Connect, TLS handshake/shutdown and host:port parsing (declared in framed_stream.h).
#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/net/deadline.h"
#include "common/net/framed_stream.h"

namespace wardsync::net {
namespace {

std::string Ms(std::chrono::milliseconds t) { return std::to_string(t.count()) + " ms"; }

void CloseSocket(TlsStream& s) {
  std::error_code ignored;
  s.lowest_layer().close(ignored);
}

bool IsIpv6(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_';
}

}  // namespace

asio::awaitable<Status> TlsHandshake(TlsStream& s, asio::ssl::stream_base::handshake_type type,
                                     std::chrono::milliseconds timeout) {
  std::error_code ec;
  bool expired;
  {
    Deadline dl(co_await asio::this_coro::executor, timeout, [&s] { CloseSocket(s); });
    co_await s.async_handshake(type, asio::redirect_error(asio::use_awaitable, ec));
    expired = dl.expired();
  }
  if (expired) co_return Status::Deadline("TLS handshake timed out after " + Ms(timeout));
  if (!ec) co_return Status::Ok();
  long verify = SSL_get_verify_result(s.native_handle());
  if (type == asio::ssl::stream_base::client && verify != X509_V_OK) {
    co_return Status::Unauthenticated(std::string("TLS handshake failed: server certificate not accepted: ") +
                                      X509_verify_cert_error_string(verify));
  }
  co_return Status::Unavailable("TLS handshake failed: " + ec.message());
}

asio::awaitable<Status> TlsShutdown(TlsStream& s, std::chrono::milliseconds timeout) {
  std::error_code ec;
  bool expired;
  {
    Deadline dl(co_await asio::this_coro::executor, timeout, [&s] { CloseSocket(s); });
    co_await s.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    expired = dl.expired();
  }
  if (expired) co_return Status::Deadline("TLS shutdown timed out after " + Ms(timeout));
  if (ec && ec != asio::error::eof && ec != asio::ssl::error::stream_truncated)
    co_return Status::Unavailable("TLS shutdown failed: " + ec.message());
  co_return Status::Ok();
}

asio::awaitable<Status> Connect(TlsStream& s, const std::string& host, uint16_t port,
                                std::chrono::milliseconds timeout) {
  const std::string prefix = "cannot reach server " + FormatHostPort(host, port) + ": ";
  auto ex = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(ex);
  Deadline dl(ex, timeout, [&] {
    resolver.cancel();
    CloseSocket(s);
  });
  std::error_code ec;
  auto endpoints = co_await resolver.async_resolve(host, std::to_string(port),
                                                   asio::ip::resolver_base::numeric_service,
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (dl.expired()) co_return Status::Deadline(prefix + "no answer within " + Ms(timeout));
  if (ec) co_return Status::Unavailable(prefix + "cannot resolve host: " + ec.message());
  if (endpoints.empty()) co_return Status::Unavailable(prefix + "host has no address");
  // Try each address in turn, checking the deadline between attempts (a range
  // connect would reopen a socket the deadline just closed).
  std::error_code last;
  for (const auto& entry : endpoints) {
    CloseSocket(s);
    co_await s.lowest_layer().async_connect(entry.endpoint(), asio::redirect_error(asio::use_awaitable, ec));
    if (dl.expired()) co_return Status::Deadline(prefix + "no answer within " + Ms(timeout));
    if (!ec) {
      s.lowest_layer().set_option(asio::ip::tcp::no_delay(true), ec);  // frames are small: no Nagle delay
      co_return Status::Ok();
    }
    last = ec;
  }
  CloseSocket(s);
  co_return Status::Unavailable(prefix + last.message());
}

Result<std::pair<std::string, uint16_t>> ParseHostPort(std::string_view in) {
  const std::string quoted = "'" + std::string(in) + "'";
  std::string_view host, port;
  if (!in.empty() && in.front() == '[') {
    size_t close = in.find(']');
    if (close == std::string_view::npos) return Status::Invalid("missing ']' in " + quoted);
    host = in.substr(1, close - 1);
    if (close + 1 >= in.size() || in[close + 1] != ':')
      return Status::Invalid("expected [ADDRESS]:PORT, got " + quoted);
    port = in.substr(close + 2);
    if (!IsIpv6(std::string(host))) return Status::Invalid("'" + std::string(host) + "' is not an IPv6 address");
  } else {
    size_t colon = in.rfind(':');
    if (colon == std::string_view::npos) return Status::Invalid("expected HOST:PORT, got " + quoted);
    host = in.substr(0, colon);
    port = in.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return Status::Invalid("an IPv6 address needs brackets, e.g. [::1]:7443; got " + quoted);
    if (host.empty()) return Status::Invalid("missing host in " + quoted);
    if (host.size() > 253) return Status::Invalid("host name too long in " + quoted);
    for (char c : host) {
      if (!IsHostChar(c)) return Status::Invalid("invalid character in host of " + quoted);
    }
  }
  if (port.empty() || port.size() > 5) return Status::Invalid("port must be a number 1-65535 in " + quoted);
  uint32_t value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return Status::Invalid("port must be a number 1-65535 in " + quoted);
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value == 0 || value > 65535) return Status::Invalid("port must be a number 1-65535 in " + quoted);
  return std::make_pair(std::string(host), static_cast<uint16_t>(value));
}

std::string FormatHostPort(const std::string& host, uint16_t port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

}  // namespace wardsync::net

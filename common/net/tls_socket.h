// A TLS stream that runs OpenSSL straight on the TCP socket, for Asio.
//
// Why not asio::ssl::stream: it keeps two 17 KiB buffers per connection for
// its whole life (stream_core, zero-filled, so resident) and an OpenSSL BIO
// pair of two more, ~68 KiB that SSL_MODE_RELEASE_BUFFERS cannot free. A
// server holding 10,000 idle devices paid ~700 MB for them (bench S6). Here
// OpenSSL reads and writes the socket itself (a BIO over the descriptor,
// send(MSG_NOSIGNAL) so a closed peer never raises SIGPIPE), and with
// SSL_MODE_RELEASE_BUFFERS an idle connection holds only the SSL object.
//
// The subset of asio::ssl::stream's interface the project uses, with the
// same completion signatures and error codes (SSL errors in Asio's SSL
// category, a peer's close without close_notify as
// asio::ssl::error::stream_truncated, close_notify as asio::error::eof), so
// asio::async_write, redirect_error and use_awaitable work on it unchanged.
//
// Threading: as an Asio socket — run all operations of one stream on one
// strand; one read and one write may be in progress at once. A pending
// operation ends with operation_aborted when the socket is closed (that is
// how deadlines cancel it).
#pragma once
#include <asio.hpp>
#include <asio/ssl.hpp>

#include <cerrno>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace wardsync::net {

class TlsSocket {
 public:
  using socket_type = asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;
  using lowest_layer_type = socket_type;
  using next_layer_type = socket_type;
  using handshake_type = asio::ssl::stream_base::handshake_type;

  // `arg` constructs the socket (an io_context, an executor, or a socket to
  // move in). Throws std::bad_alloc if OpenSSL cannot make the SSL object.
  template <typename Arg>
  TlsSocket(Arg&& arg, asio::ssl::context& ctx) : socket_(std::forward<Arg>(arg)), ssl_(NewSsl(ctx)) {}
  TlsSocket(TlsSocket&&) noexcept = default;
  TlsSocket& operator=(TlsSocket&&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }
  socket_type& lowest_layer() { return socket_; }
  socket_type& next_layer() { return socket_; }
  SSL* native_handle() { return ssl_.get(); }

  // Signature void(std::error_code).
  template <typename Token>
  auto async_handshake(handshake_type type, Token&& token) {
    if (type == asio::ssl::stream_base::client) {
      SSL_set_connect_state(ssl_.get());
    } else {
      SSL_set_accept_state(ssl_.get());
    }
    return RunVoid([](SSL* s) { return SSL_do_handshake(s); }, std::forward<Token>(token));
  }
  // Sends close_notify and waits for the peer's. Signature void(std::error_code).
  template <typename Token>
  auto async_shutdown(Token&& token) {
    return RunVoid(
        [](SSL* s) {
          int r = SSL_shutdown(s);
          return r == 0 ? SSL_shutdown(s) : r;  // 0: ours sent; the second call reads theirs
        },
        std::forward<Token>(token));
  }
  // Copies up to n bytes that TLS has already decrypted (SSL_pending) into
  // p, without touching the socket; 0 if there are none. A reader that
  // takes them all empties OpenSSL's record buffer, which is then released
  // (SSL_MODE_RELEASE_BUFFERS) instead of held while the connection waits.
  size_t ReadBuffered(char* p, size_t n);
  // Signature void(std::error_code, std::size_t).
  template <typename Buffers, typename Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    asio::mutable_buffer b = FirstBuffer(asio::buffer_sequence_begin(buffers), asio::buffer_sequence_end(buffers));
    return RunSized(
        [b](SSL* s, size_t* n) { return b.size() == 0 ? 1 : SSL_read_ex(s, b.data(), b.size(), n); },
        std::forward<Token>(token));
  }
  template <typename Buffers, typename Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    asio::const_buffer b = FirstBuffer(asio::buffer_sequence_begin(buffers), asio::buffer_sequence_end(buffers));
    return RunSized(
        [b](SSL* s, size_t* n) { return b.size() == 0 ? 1 : SSL_write_ex(s, b.data(), b.size(), n); },
        std::forward<Token>(token));
  }

 private:
  struct SslFree {
    void operator()(SSL* s) const;
  };
  // What one OpenSSL call asks for next.
  enum class Step { kDone, kWantRead, kWantWrite, kFailed };

  static SSL* NewSsl(asio::ssl::context& ctx);
  // Gives OpenSSL the socket's descriptor (once, when first used: the socket
  // is connected or accepted by then). False if the socket is not open.
  bool AttachSocket(std::error_code& ec);
  // Classifies the result `r` of an OpenSSL call (errno_after: errno right
  // after it); on kFailed, `ec` says why, as asio::ssl::stream would.
  Step Classify(int r, int errno_after, std::error_code& ec);

  // The first non-empty buffer: a *_some operation may move fewer bytes.
  template <typename T>
  static auto FirstBuffer(T it, T end) -> std::decay_t<decltype(*it)> {
    for (; it != end; ++it)
      if (it->size() > 0) return *it;
    return {};
  }

  // One OpenSSL call, retried whenever the socket is ready for what it asked.
  // Call(SSL*, size_t* n) returns > 0 when done (bytes in *n). kSized: the
  // completion signature carries the byte count.
  template <typename Call, bool kSized>
  struct Op {
    TlsSocket* tls;
    Call call;
    enum { kStart, kWaiting, kPosted } state = kStart;
    std::error_code result_ec{};
    size_t result_n = 0;

    template <typename Self>
    void operator()(Self& self, std::error_code ec = {}) {
      if (state == kPosted) return Complete(self, result_ec, result_n);
      const bool first = state == kStart;
      if (ec) return Complete(self, ec, 0);  // the wait failed: closed (a deadline) or aborted
      if (first && !tls->AttachSocket(result_ec)) return Post(self);
      if (!tls->socket_.is_open()) {
        // Closed (a deadline, Close()): its descriptor number may already
        // belong to another connection, so OpenSSL must not touch it.
        result_ec = asio::error::bad_descriptor;
        return first ? Post(self) : Complete(self, result_ec, 0);
      }
      ERR_clear_error();
      errno = 0;
      size_t n = 0;
      const int r = call(tls->ssl_.get(), &n);
      const int err = errno;
      switch (tls->Classify(r, err, result_ec)) {
        case Step::kDone:
          result_n = n;
          // Completing inside the initiating call would resume the caller
          // before it has suspended: defer, as Asio's own operations do.
          if (first) return Post(self);
          return Complete(self, {}, n);
        case Step::kWantRead:
          state = kWaiting;
          return tls->socket_.async_wait(socket_type::wait_read, std::move(self));
        case Step::kWantWrite:
          state = kWaiting;
          return tls->socket_.async_wait(socket_type::wait_write, std::move(self));
        case Step::kFailed:
          if (first) return Post(self);
          return Complete(self, result_ec, 0);
      }
    }
    template <typename Self>
    void Post(Self& self) {
      state = kPosted;
      auto ex = tls->socket_.get_executor();
      asio::post(ex, std::move(self));
    }
    template <typename Self>
    static void Complete(Self& self, std::error_code ec, size_t n) {
      if constexpr (kSized) {
        self.complete(ec, n);
      } else {
        self.complete(ec);
      }
    }
  };

  template <typename Call, typename Token>
  auto RunSized(Call call, Token&& token) {
    return asio::async_compose<Token, void(std::error_code, std::size_t)>(Op<Call, true>{this, std::move(call)},
                                                                          token, socket_);
  }
  // The same for calls without a byte count (handshake, shutdown).
  template <typename Call, typename Token>
  auto RunVoid(Call call, Token&& token) {
    auto counted = [call](SSL* s, size_t* n) {
      *n = 0;
      return call(s);
    };
    return asio::async_compose<Token, void(std::error_code)>(Op<decltype(counted), false>{this, std::move(counted)},
                                                             token, socket_);
  }

  socket_type socket_;
  std::unique_ptr<SSL, SslFree> ssl_;
  bool attached_ = false;
};

}  // namespace wardsync::net

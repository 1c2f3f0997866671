#include "common/net/tls_socket.h"

#include <sys/socket.h>

#include <algorithm>
#include <new>

#include <openssl/bio.h>

#include "common/net/tls_context.h"

namespace wardsync::net {
namespace {

// A BIO over a connected, non-blocking socket. OpenSSL's own socket BIO
// writes with write(2), which raises SIGPIPE on a closed peer in a process
// that did not ignore it (the test binaries, an embedding program); this
// one uses send(MSG_NOSIGNAL). The descriptor is the BIO's data; the socket
// object owns and closes it.
int FdOf(BIO* b) { return static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(b))); }

bool ShouldRetry(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

int SocketWrite(BIO* b, const char* data, int len) {
  BIO_clear_retry_flags(b);
  ssize_t n = ::send(FdOf(b), data, static_cast<size_t>(len), MSG_NOSIGNAL);
  if (n < 0 && ShouldRetry(errno)) BIO_set_retry_write(b);
  return static_cast<int>(n);
}

int SocketRead(BIO* b, char* data, int len) {
  BIO_clear_retry_flags(b);
  ssize_t n = ::recv(FdOf(b), data, static_cast<size_t>(len), 0);
  if (n < 0 && ShouldRetry(errno)) BIO_set_retry_read(b);
  if (n == 0) BIO_set_flags(b, BIO_FLAGS_IN_EOF);  // lets OpenSSL tell a cut from a close_notify
  return static_cast<int>(n);
}

long SocketCtrl(BIO* b, int cmd, long, void*) {
  switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;  // nothing is buffered here
    case BIO_CTRL_EOF: return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
    default: return 0;
  }
}

int SocketCreate(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

// The method table is constant once made; OpenSSL's own BIO_s_socket() is
// a static table too. C++ guarantees the one-time initialisation is
// thread-safe.
const BIO_METHOD* NoSigpipeSocketMethod() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                 "wardsync socket");
    if (m && (BIO_meth_set_write(m, SocketWrite) != 1 || BIO_meth_set_read(m, SocketRead) != 1 ||
              BIO_meth_set_ctrl(m, SocketCtrl) != 1 || BIO_meth_set_create(m, SocketCreate) != 1)) {
      BIO_meth_free(m);
      m = nullptr;
    }
    return m;
  }();
  return method;
}

}  // namespace

void TlsSocket::SslFree::operator()(SSL* s) const {
  KeepSessionAfterClose(s);  // a server's stateful tickets stay usable (tls_context.h)
  SSL_free(s);
}

SSL* TlsSocket::NewSsl(asio::ssl::context& ctx) {
  SSL* ssl = SSL_new(ctx.native_handle());
  if (!ssl) throw std::bad_alloc();
  // As asio::ssl::stream sets them: a write may return after a whole record
  // (async_write loops), retried from wherever the buffer then is; record
  // buffers are freed whenever they are empty (an idle connection keeps none).
  SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  // Read what the socket has, not a record header and then its body: half
  // the recv calls; what is read ahead is released with the buffer.
  SSL_set_read_ahead(ssl, 1);
  return ssl;
}

size_t TlsSocket::ReadBuffered(char* p, size_t n) {
  if (!attached_ || !socket_.is_open() || n == 0) return 0;
  const int pending = SSL_pending(ssl_.get());
  if (pending <= 0) return 0;
  // Decrypted bytes of the current record: SSL_read_ex copies them and does
  // no I/O (it would only read the socket once they are gone).
  size_t got = 0;
  ERR_clear_error();
  if (SSL_read_ex(ssl_.get(), p, std::min(n, static_cast<size_t>(pending)), &got) != 1) {
    ERR_clear_error();
    return 0;
  }
  return got;
}

bool TlsSocket::AttachSocket(std::error_code& ec) {
  if (attached_) return true;
  if (!socket_.is_open()) {
    ec = asio::error::bad_descriptor;
    return false;
  }
  socket_.native_non_blocking(true, ec);  // OpenSSL's reads and writes must not block the io thread
  if (ec) return false;
  const BIO_METHOD* method = NoSigpipeSocketMethod();
  BIO* bio = method ? BIO_new(method) : nullptr;
  if (!bio) {
    ec = asio::error::no_memory;
    return false;
  }
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<intptr_t>(socket_.native_handle())));
  SSL_set_bio(ssl_.get(), bio, bio);  // one reference, for both directions
  attached_ = true;
  return true;
}

TlsSocket::Step TlsSocket::Classify(int r, int errno_after, std::error_code& ec) {
  if (r > 0) return Step::kDone;
  const int ssl_error = SSL_get_error(ssl_.get(), r);
  switch (ssl_error) {
    case SSL_ERROR_WANT_READ: return Step::kWantRead;
    case SSL_ERROR_WANT_WRITE: return Step::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      ec = asio::error::eof;  // the peer's close_notify
      return Step::kFailed;
    case SSL_ERROR_SSL: {
      const unsigned long e = ERR_peek_last_error();
      // The socket ended without close_notify: what asio::ssl::stream calls
      // a truncated stream.
      if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        ec = asio::ssl::error::stream_truncated;
      } else {
        ec = std::error_code(static_cast<int>(ERR_get_error()), asio::error::get_ssl_category());
      }
      ERR_clear_error();
      return Step::kFailed;
    }
    case SSL_ERROR_SYSCALL:
      // The socket's own error (reset, closed by a deadline), or an EOF
      // OpenSSL did not name.
      if (errno_after != 0) {
        ec = std::error_code(errno_after, asio::error::get_system_category());
      } else {
        ec = asio::ssl::error::stream_truncated;
      }
      ERR_clear_error();
      return Step::kFailed;
    default:
      ec = asio::ssl::error::unexpected_result;
      return Step::kFailed;
  }
}

}  // namespace wardsync::net

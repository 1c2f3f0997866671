#include "common/net/framed_stream.h"

#include <algorithm>
#include <optional>

#include <openssl/ssl.h>

#include "common/net/deadline.h"
#include "common/wire/compression.h"

namespace wardsync::net {
namespace {

constexpr size_t kReadChunk = 16 * 1024;  // one TLS record
// Send buffer capacity kept between writes: enough for acks and small
// frames. A pull page (20-60 KB) is freed once written: a fleet's 2,000
// connections in mid-pull each kept two such buffers under the old 64 KiB
// (~97 MB of a burst's heap, outside the memory budget, which counts a
// page only until it is sent).
constexpr size_t kKeepBufferBytes = 4 * 1024;

asio::awaitable<Status> Ready(Status st) { co_return st; }

std::string Ms(std::chrono::milliseconds t) { return std::to_string(t.count()) + " ms"; }

bool IsEof(const std::error_code& ec) {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
         ec == asio::error::connection_reset;
}

}  // namespace

FramedStream::FramedStream(TlsStream& s, uint32_t max_frame_bytes)
    : stream_(s), max_frame_bytes_(max_frame_bytes), decoder_(max_frame_bytes),
      read_max_frame_bytes_(max_frame_bytes) {}

Status FramedStream::Queue(const wardsync::sync::Frame& f) {
  size_t n = f.ByteSizeLong();
  if (n == 0) return Status::Invalid("cannot send an empty frame");
  if (n > max_frame_bytes_)
    return Status::Exhausted("frame of " + std::to_string(n) + " bytes exceeds the maximum of " +
                             std::to_string(max_frame_bytes_));
  std::string payload;
  if (!f.SerializeToString(&payload)) return Status::Internal("cannot serialize frame");
  Append(payload);
  return Status::Ok();
}

Status FramedStream::QueuePayload(std::string_view payload) {
  if (payload.empty()) return Status::Invalid("cannot send an empty frame");
  if (payload.size() > max_frame_bytes_)
    return Status::Exhausted("frame of " + std::to_string(payload.size()) + " bytes exceeds the maximum of " +
                             std::to_string(max_frame_bytes_));
  Append(payload);
  return Status::Ok();
}

void FramedStream::Append(std::string_view payload) {
  std::string envelope;
  if (send_compressed_ && wire::SealCompressed(payload, &envelope)) {
    wire::AppendFrame(envelope, &queued_);
  } else {
    wire::AppendFrame(payload, &queued_);
  }
}

bool FramedStream::InputPending() {
  if (!read_failed_.ok()) return false;
  if (decoder_.buffered() > 0 || SSL_has_pending(stream_.native_handle()) == 1) return true;  // read-ahead too
  std::error_code ec;
  return stream_.lowest_layer().available(ec) > 0 && !ec;
}

asio::awaitable<Status> FramedStream::Write(const wardsync::sync::Frame& f, std::chrono::milliseconds timeout) {
  // Not a coroutine itself: `f` is serialized now, so a temporary is safe.
  Status st = Queue(f);
  if (!st.ok()) return Ready(st);
  return Flush(timeout);
}

asio::awaitable<Status> FramedStream::Flush(std::chrono::milliseconds timeout) {
  if (!write_failed_.ok()) co_return write_failed_;
  if (flushing_) co_return Status::Internal("FramedStream: Flush while another Flush is in progress");
  if (queued_.empty()) co_return Status::Ok();
  flushing_ = true;
  writing_.swap(queued_);  // Queue() may keep appending while this write runs
  std::error_code ec;
  size_t n = 0;
  bool expired;
  {
    Deadline dl(co_await asio::this_coro::executor, timeout, [this] {
      std::error_code ignored;
      stream_.lowest_layer().close(ignored);
    });
    n = co_await asio::async_write(stream_, asio::buffer(writing_), asio::redirect_error(asio::use_awaitable, ec));
    expired = dl.expired();
  }
  bytes_out_ += n;
  writing_.clear();
  // A large frame (a pull page, a push batch) must not stay allocated for
  // the rest of the connection: thousands of connections would keep theirs.
  if (writing_.capacity() > kKeepBufferBytes) std::string().swap(writing_);
  flushing_ = false;
  if (expired) {
    write_failed_ = Status::Deadline("write timed out after " + Ms(timeout));
  } else if (ec) {
    write_failed_ = Status::Unavailable("write failed: " + ec.message());
  }
  co_return write_failed_;
}

Status FramedStream::TakeDecrypted() {
  Status st;
  for (;;) {
    const int pending = SSL_pending(stream_.native_handle());
    const size_t missing = decoder_.missing();
    if (pending <= 0 || missing == 0) return st;  // a whole frame is held: Read takes it first
    // Into an empty decoder: all of it. Into a frame in progress: up to its
    // end only, so a large frame's buffer is never regrown (copied) to
    // append the next frame's first bytes.
    const size_t take = decoder_.buffered() == 0 ? static_cast<size_t>(pending)
                                                 : std::min(static_cast<size_t>(pending), missing);
    char* into = decoder_.Reserve(take);
    const size_t got = stream_.ReadBuffered(into, take);
    bytes_in_ += got;
    st = decoder_.Commit(got);
    if (!st.ok() || got == 0) return st;
  }
}

asio::awaitable<Result<wardsync::sync::Frame>> FramedStream::Read(std::chrono::milliseconds timeout,
                                                                  std::chrono::milliseconds frame_timeout) {
  wardsync::sync::Frame frame;
  Status read = co_await ReadInto(&frame, timeout, frame_timeout);
  if (!read.ok()) co_return read;
  co_return frame;
}

asio::awaitable<Status> FramedStream::ReadInto(wardsync::sync::Frame* frame, std::chrono::milliseconds timeout,
                                               std::chrono::milliseconds frame_timeout, std::string* parsed_bytes) {
  std::string local;
  std::string* bytes = parsed_bytes ? parsed_bytes : &local;
  Status read = co_await ReadBytes(bytes, timeout, frame_timeout);
  if (!read.ok()) co_return read;
  co_return ParseRead(*bytes, frame);
}

Status FramedStream::ParseRead(std::string_view bytes, wardsync::sync::Frame* frame) {
  Status parsed = wire::ParseOpenedFrame(bytes, last_was_envelope_, frame);
  if (!parsed.ok()) read_failed_ = parsed;
  return parsed;
}

asio::awaitable<Status> FramedStream::ReadBytes(std::string* bytes, std::chrono::milliseconds timeout,
                                                std::chrono::milliseconds frame_timeout) {
  if (!read_failed_.ok()) co_return read_failed_;
  std::string payload;
  if (!decoder_.Next(&payload)) {  // a pipelined frame may already be buffered
    const auto ex = co_await asio::this_coro::executor;
    auto close = [this] {
      std::error_code ignored;
      stream_.lowest_layer().close(ignored);
    };
    // The idle deadline runs until the frame starts; then the frame deadline.
    const bool two_phase = frame_timeout.count() > 0;
    std::optional<Deadline> idle;
    std::optional<Deadline> whole;
    auto start_frame = [&] {
      idle.reset();  // a destroyed Deadline never fires
      whole.emplace(ex, frame_timeout, close);
    };
    if (two_phase && decoder_.buffered() > 0) {
      start_frame();
    } else {
      idle.emplace(ex, timeout, close);
    }
    for (;;) {
      // Bytes TLS has already decrypted go into the decoder at once: the
      // rest of a record after the frame just completed (a pipelined pull
      // request behind a push) is held there at its size, while OpenSSL's
      // record buffer is released (tls_socket.h).
      if (Status st = TakeDecrypted(); !st.ok()) {
        read_failed_ = Status::Invalid("bad frame: " + st.message());
        co_return read_failed_;
      }
      if (decoder_.Next(&payload)) break;
      if (two_phase && !whole && decoder_.buffered() > 0) start_frame();
      // Reads go straight into the decoder, sized to what the frame still
      // needs (its 4-byte header while idle: no heap at all), so nothing of
      // a read buffer stays allocated while the connection waits.
      std::error_code ec;
      const size_t want = std::min(decoder_.missing(), kReadChunk);
      char* into = decoder_.Reserve(want);
      size_t n = co_await stream_.async_read_some(asio::buffer(into, want),
                                                  asio::redirect_error(asio::use_awaitable, ec));
      Status committed = decoder_.Commit(n);
      bytes_in_ += n;
      if (idle && idle->expired()) {
        read_failed_ = Status::Deadline("read timed out after " + Ms(timeout));
        co_return read_failed_;
      }
      if (whole && whole->expired()) {
        read_failed_ = Status::Deadline("frame not complete " + Ms(frame_timeout) + " after it started");
        co_return read_failed_;
      }
      if (!committed.ok()) {
        read_failed_ = Status::Invalid("bad frame: " + committed.message());
        co_return read_failed_;
      }
      if (n > 0) {
        if (decoder_.Next(&payload)) {
          if (Status st = TakeDecrypted(); !st.ok()) {
            read_failed_ = Status::Invalid("bad frame: " + st.message());
            co_return read_failed_;
          }
          break;
        }
        if (two_phase && !whole) start_frame();
        continue;
      }
      if (ec) {
        if (IsEof(ec)) {
          read_failed_ = decoder_.buffered() > 0 ? Status::Unavailable("truncated frame")
                                                 : Status::Unavailable("connection closed by peer");
        } else {
          read_failed_ = Status::Unavailable("read failed: " + ec.message());
        }
        co_return read_failed_;
      }
    }
  }
  Status opened = wire::OpenFramePayload(payload, read_max_frame_bytes_, accept_compressed_, bounds_, bytes);
  if (!opened.ok()) {
    read_failed_ = opened;
    co_return read_failed_;
  }
  last_was_envelope_ = !bytes->empty();
  if (!last_was_envelope_) *bytes = std::move(payload);
  co_return Status::Ok();
}

}  // namespace wardsync::net

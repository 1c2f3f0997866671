// Length-prefixed protobuf frames over TLS, for C++20 coroutines.
// Every operation has a deadline; when it expires the socket is closed (which
// cancels the operation) and the connection is finished.
//
// Threading: run all operations of one connection on one strand (or a
// single-threaded io_context). At most one Read and one Flush/Write may be in
// progress at a time; a Read and a Flush may overlap (full duplex).
#pragma once
#include <array>
#include <asio.hpp>
#include <asio/ssl.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/net/tls_socket.h"
#include "common/status.h"
#include "common/wire/frame_scan.h"
#include "common/wire/framing.h"
#include "proto/sync.pb.h"

namespace wardsync::net {

// The project's TLS stream (tls_socket.h says why not asio::ssl::stream).
using TlsStream = TlsSocket;

class FramedStream {
 public:
  // Memory: no read buffer of its own; reads go into the frame decoder,
  // sized to what the frame in progress needs (framing.h), so a connection
  // waiting between frames, or for its turn with a frame already read,
  // holds only the bytes it received and has not yet returned.
  explicit FramedStream(TlsStream& s, uint32_t max_frame_bytes = wire::kDefaultMaxFrameBytes);

  // Serializes and appends one frame to the send buffer (nothing is sent).
  // Refuses a frame larger than max_frame_bytes.
  Status Queue(const wardsync::sync::Frame& f);
  // The same for a payload that already is a serialized sync.Frame (built
  // without a Frame object, e.g. a pull page made from stored bytes).
  Status QueuePayload(std::string_view payload);
  // Sends everything queued in one write.
  asio::awaitable<Status> Flush(std::chrono::milliseconds timeout);
  // Queue(f) then Flush(timeout). `f` is serialized before this returns.
  asio::awaitable<Status> Write(const wardsync::sync::Frame& f, std::chrono::milliseconds timeout);
  // The next frame. Errors: kDeadlineExceeded on timeout; kInvalidArgument for
  // "malformed frame" (payload is not a sync.Frame), "bad compressed frame"
  // or an oversized/zero length; kUnavailable for "truncated frame" (EOF inside a frame) or
  // "connection closed by peer" (EOF between frames). After any error the
  // stream is finished: every later Read returns the same error.
  // `timeout` bounds the wait for the frame's first byte; once a frame has
  // started, `frame_timeout` (when non-zero) bounds the time until it is
  // whole, so a peer that drips bytes (slow loris) cannot hold the
  // connection by sending one byte just before each idle deadline.
  asio::awaitable<Result<wardsync::sync::Frame>> Read(std::chrono::milliseconds timeout,
                                                      std::chrono::milliseconds frame_timeout = {});
  // The same, parsed into *frame (which may live on a protobuf arena:
  // client/sync/pulled_page.h). On an error *frame is unspecified.
  // `parsed_bytes`: receives the bytes the frame was parsed from (the
  // decompressed ones for an envelope), for a reader that keeps parts of
  // them as they came (wire::PullBatchRecordBytes).
  asio::awaitable<Status> ReadInto(wardsync::sync::Frame* frame, std::chrono::milliseconds timeout,
                                   std::chrono::milliseconds frame_timeout = {}, std::string* parsed_bytes = nullptr);
  // ReadInto in two steps, for a reader that looks at a frame's bytes
  // before it parses them (the client asks for its next pull page while it
  // parses this one: wire::PullBatchNext). ReadBytes: the next frame's
  // bytes, bounds checked and an envelope opened (wire::OpenFramePayload),
  // not parsed; errors as Read. ParseRead: those bytes parsed into *frame
  // (a parse failure finishes the stream, as in Read).
  asio::awaitable<Status> ReadBytes(std::string* bytes, std::chrono::milliseconds timeout,
                                    std::chrono::milliseconds frame_timeout = {});
  Status ParseRead(std::string_view bytes, wardsync::sync::Frame* frame);

  // True when more input is already here: part of a frame decoded but not
  // returned, decrypted bytes in TLS, or bytes waiting on the socket. A peer
  // that pipelines frames keeps this true while its next frame arrives.
  bool InputPending();

  // Compression (negotiated in the hello; PROTOCOL.md, Compression). Off
  // by default: a peer that never asked for it never sees an envelope.
  // SendCompressed: queued frames of at least wire::kCompressMinBytes go as
  // zstd envelopes when that makes them smaller. AcceptCompressed: Read
  // opens envelopes (bounded by max_frame_bytes) instead of refusing them.
  // Limits on what Read accepts (frame_scan.h), checked before a frame is
  // parsed; a frame over one fails Read with kResourceExhausted. The
  // server reads the first frame with a small max_frame_bytes (the device
  // is not known yet) and raises it once the hello is proven.
  void SetReadBounds(const wire::FrameBounds& bounds) { bounds_ = bounds; }
  void SetMaxReadFrameBytes(uint32_t n) {
    read_max_frame_bytes_ = n;
    decoder_.set_max(n);
  }
  // Bytes of the frame being received, as its header announced (0: none
  // started): what a memory budget holds for this connection.
  uint32_t pending_frame_bytes() const { return decoder_.pending_frame_bytes(); }
  void SendCompressed(bool on) { send_compressed_ = on; }
  void AcceptCompressed(bool on) { accept_compressed_ = on; }

  // Application bytes (frame headers + payloads, as on the wire: compressed
  // when compressed) received / sent so far.
  uint64_t bytes_in() const { return bytes_in_; }
  uint64_t bytes_out() const { return bytes_out_; }
  size_t queued_bytes() const { return queued_.size(); }
  // Bytes held for reading: received, not yet returned (the decoder's
  // capacity; std::string's inline 15 when nothing is on the heap).
  size_t read_bytes_held() const { return decoder_.capacity(); }
  // Bytes held for sending: the capacity of the queue and of the buffer
  // being written (a written pull page is not kept: framed_stream.cc).
  size_t write_bytes_held() const { return queued_.capacity() + writing_.capacity(); }
  TlsStream& stream() { return stream_; }

 private:
  TlsStream& stream_;
  uint32_t max_frame_bytes_;
  wire::FrameDecoder decoder_;
  std::string queued_;
  std::string writing_;
  bool flushing_ = false;
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;
  Status read_failed_;
  bool last_was_envelope_ = false;  // what ReadBytes returned last: for ParseRead's error text
  Status write_failed_;
  bool send_compressed_ = false;
  bool accept_compressed_ = false;
  uint32_t read_max_frame_bytes_;
  wire::FrameBounds bounds_;

  // Appends one frame (compressed if on and worth it) to queued_.
  void Append(std::string_view payload);
  // Moves what TLS has already decrypted into the decoder (no I/O).
  Status TakeDecrypted();
};

// TLS handshake with a deadline. A certificate the client refuses is
// kUnauthenticated (with OpenSSL's reason, e.g. "hostname mismatch"); other
// failures kUnavailable; timeout kDeadlineExceeded.
asio::awaitable<Status> TlsHandshake(TlsStream& s, asio::ssl::stream_base::handshake_type type,
                                     std::chrono::milliseconds timeout);

// Sends close_notify and waits (bounded) for the peer's; a peer that just
// closes the socket is fine.
asio::awaitable<Status> TlsShutdown(TlsStream& s, std::chrono::milliseconds timeout);

// Resolves `host` and connects the TCP socket (TCP_NODELAY set), all within
// `timeout`. Errors read "cannot reach server HOST:PORT: <reason>"
// (kUnavailable, or kDeadlineExceeded on timeout).
asio::awaitable<Status> Connect(TlsStream& s, const std::string& host, uint16_t port,
                                std::chrono::milliseconds timeout);

// "127.0.0.1:7443", "[::1]:7443", "host.example:7443" -> host (no brackets), port.
Result<std::pair<std::string, uint16_t>> ParseHostPort(std::string_view s);
// The inverse: brackets an IPv6 address.
std::string FormatHostPort(const std::string& host, uint16_t port);

}  // namespace wardsync::net

// Frame grammar (see proto/PROTOCOL.md):
//   frame   = length payload
//   length  = 4 bytes, unsigned big-endian, 1 <= length <= max_frame_bytes
//   payload = one serialized wardsync.sync.Frame
// The decoder is incremental and never buffers more than one maximum frame.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace wardsync::wire {

inline constexpr uint32_t kDefaultMaxFrameBytes = 8u << 20;  // 8 MiB

// Appends the 4-byte length and the payload to *out.
void AppendFrame(std::string_view payload, std::string* out);

// Memory: what it holds is sized to need and given back as soon as it is
// consumed. A server waiting on thousands of connections (a whole fleet
// syncing at once, bench S4) holds per connection only the bytes received
// and not yet taken, never a fixed read buffer or the capacity of an
// earlier, larger frame.
class FrameDecoder {
 public:
  explicit FrameDecoder(uint32_t max_frame_bytes = kDefaultMaxFrameBytes) : max_(max_frame_bytes) {}

  // Adds received bytes. Returns an error (and stays failed) on a zero or
  // oversized length; the connection must then be closed.
  Status Feed(std::string_view bytes);
  // Receiving in place, without a read buffer of the caller's: Reserve(n)
  // adds n writable bytes after those held and returns where they start;
  // Commit(got) keeps the first `got` of them as received (drops the rest)
  // and checks the header as Feed does. Once a frame's header is known its
  // whole length is reserved at once (no regrowth, no spare capacity).
  char* Reserve(size_t n);
  Status Commit(size_t got);
  // Bytes the frame in progress still needs: the rest of its 4-byte
  // header, or of its payload; 0 when a whole frame is held.
  size_t missing() const;
  // Moves the next complete payload into *payload. False if none is complete.
  bool Next(std::string* payload);
  // Bytes of an incomplete frame held (for "truncated frame" diagnostics).
  size_t buffered() const { return buf_.size() - pos_ - reserved_; }
  // Heap bytes the decoder holds (tests: nothing is kept once consumed).
  size_t capacity() const { return buf_.capacity(); }
  // Changes the largest length accepted from the next header on.
  void set_max(uint32_t max_frame_bytes) { max_ = max_frame_bytes; }
  // The length the next, incomplete frame's header announced (0: no header yet).
  uint32_t pending_frame_bytes() const;

 private:
  uint32_t max_;
  std::string buf_;
  size_t pos_ = 0;
  size_t reserved_ = 0;  // writable bytes added by Reserve, not yet committed
  Status failed_;

  Status CheckHeader();
  // Drops the consumed prefix and makes room for `want` bytes in all,
  // allocating exactly that (std::string::reserve would double).
  void Regrow(size_t want);
};

}  // namespace wardsync::wire

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

class FrameDecoder {
 public:
  explicit FrameDecoder(uint32_t max_frame_bytes = kDefaultMaxFrameBytes) : max_(max_frame_bytes) {}

  // Adds received bytes. Returns an error (and stays failed) on a zero or
  // oversized length; the connection must then be closed.
  Status Feed(std::string_view bytes);
  // Moves the next complete payload into *payload. False if none is complete.
  bool Next(std::string* payload);
  // Bytes of an incomplete frame held (for "truncated frame" diagnostics).
  size_t buffered() const { return buf_.size() - pos_; }
  // Changes the largest length accepted from the next header on.
  void set_max(uint32_t max_frame_bytes) { max_ = max_frame_bytes; }
  // The length the next, incomplete frame's header announced (0: no header yet).
  uint32_t pending_frame_bytes() const;

 private:
  static constexpr size_t kKeepCapacityBytes = 32 * 1024;
  uint32_t max_;
  std::string buf_;
  size_t pos_ = 0;
  Status failed_;
};

}  // namespace wardsync::wire

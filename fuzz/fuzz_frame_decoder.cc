// The server's first contact with network bytes (after TLS): the incremental
// frame decoder, then sync.Frame parsing of every complete payload, opening
// zstd envelopes (bounded decompression, common/wire/compression.h) and, for
// half the inputs, the count-first scan of frame_scan.h on the frames before
// and after decompression. The
// input is fed in pieces whose sizes come from the input itself, so frame
// boundaries fall everywhere.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/wire/compression.h"
#include "common/wire/framing.h"
#include "proto/sync.pb.h"

// Once per process, outside the per-input timeout: load the forms (and the
// key) and drop protobuf's log lines about invalid UTF-8 (expected here).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int, const std::string&) {});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // A small limit so oversized lengths (and declared decompressed sizes) are
  // reached; byte 0 picks the piece size and, by its top bit, whether
  // compression was negotiated.
  constexpr uint32_t kMax = 64 * 1024;
  wardsync::wire::FrameDecoder decoder(kMax);
  const size_t piece = 1 + data[0] % 64;
  const bool compressed = (data[0] & 0x80) == 0;
  // Bit 6: the server's bounds after a hello (frame_scan.h), so the
  // count-first scan runs on raw and on decompressed payloads.
  wardsync::wire::FrameBounds bounds;
  if (data[0] & 0x40) bounds = {50, 4096, 1024};
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string payload;
  while (!rest.empty()) {
    const size_t n = rest.size() < piece ? rest.size() : piece;
    if (!decoder.Feed(rest.substr(0, n)).ok()) break;
    rest.remove_prefix(n);
    while (decoder.Next(&payload)) {
      wardsync::sync::Frame frame;
      if (wardsync::wire::ParseFramePayload(payload, kMax, compressed, &frame, bounds).ok()) {
        // What the session reads from a frame: never trusted sizes.
        (void)frame.ByteSizeLong();
        // A frame that passed the scan holds no more than the bounds allow.
        if (frame.has_push() && bounds.max_push_changesets &&
            static_cast<uint32_t>(frame.push().change_sets_size()) > bounds.max_push_changesets)
          __builtin_trap();
      }
    }
  }
  (void)decoder.buffered();
  return 0;
}

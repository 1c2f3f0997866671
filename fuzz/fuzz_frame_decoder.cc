// The server's first contact with network bytes (after TLS): the incremental
// frame decoder, then sync.Frame parsing of every complete payload, opening
// zstd envelopes (bounded decompression, common/wire/compression.h). The
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
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string payload;
  while (!rest.empty()) {
    const size_t n = rest.size() < piece ? rest.size() : piece;
    if (!decoder.Feed(rest.substr(0, n)).ok()) break;
    rest.remove_prefix(n);
    while (decoder.Next(&payload)) {
      wardsync::sync::Frame frame;
      if (wardsync::wire::ParseFramePayload(payload, kMax, compressed, &frame).ok()) {
        // What the session reads from a frame: never trusted sizes.
        (void)frame.ByteSizeLong();
        if (frame.has_push()) (void)frame.push().change_sets_size();
      }
    }
  }
  (void)decoder.buffered();
  return 0;
}

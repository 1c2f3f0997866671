// Reads the server's frames for a simulated device: the project's frame
// decoder and zstd envelope code (common/wire), and a wire-level look at
// pull pages that counts their records instead of parsing them.
#pragma once
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/net/framed_stream.h"
#include "common/status.h"
#include "common/wire/framing.h"
#include "proto/sync.pb.h"

namespace wardsync::bench {

struct PullPage {
  uint64_t records = 0;
  uint64_t cursor = 0;
  bool more = false;
};

// A serialized sync.Frame holding a PullBatch: its cursor, `more` and the
// number of records, read from tags and lengths only. False if the bytes
// are not such a frame.
bool ScanPullBatch(std::string_view payload, PullPage* page);

class FrameReader {
 public:
  explicit FrameReader(net::TlsStream& s) : s_(s), buf_(16 * 1024) {}
  // After the HelloReply agreed to compression.
  void AcceptCompressed(bool on) { compressed_ = on; }
  // The next frame's payload, opened if it came as a zstd envelope.
  asio::awaitable<Result<std::string>> Next(std::chrono::milliseconds timeout);

 private:
  net::TlsStream& s_;
  wire::FrameDecoder decoder_;
  std::vector<char> buf_;
  bool compressed_ = false;
};

// The payload as a whole Frame (for everything but pull pages).
Status ParseFrame(const std::string& payload, wardsync::sync::Frame* frame);

}  // namespace wardsync::bench

#include "bench/loadgen/frame_reader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "common/net/deadline.h"
#include "common/wire/compression.h"
#include "common/wire/frame_scan.h"

namespace wardsync::bench {

namespace {

using google::protobuf::internal::WireFormatLite;
constexpr uint32_t kFramePullBatch = 6;   // Frame.pull_batch (proto/sync.proto)
constexpr uint32_t kFrameZstd = 11;       // Frame.zstd

}  // namespace

bool ScanPullBatch(std::string_view payload, PullPage* page) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(payload.data()),
                                            static_cast<int>(payload.size()));
  *page = PullPage{};
  // A Frame may carry pull_batch more than once; protobuf merges the
  // occurrences (the server's shared pages send the records in one and the
  // device's cursor, more and remaining in a second: server/pull/shared_pages.h).
  bool any = false;
  for (uint32_t tag; (tag = in.ReadTag()) != 0;) {
    if (WireFormatLite::GetTagFieldNumber(tag) != kFramePullBatch ||
        WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      return false;
    }
    any = true;
    uint32_t len = 0;
    if (!in.ReadVarint32(&len)) return false;
    const auto limit = in.PushLimit(static_cast<int>(len));
    for (uint32_t t; (t = in.ReadTag()) != 0;) {
      const uint32_t field = WireFormatLite::GetTagFieldNumber(t);
      uint64_t v = 0;
      if (field == 1 && WireFormatLite::GetTagWireType(t) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
        uint32_t n = 0;
        if (!in.ReadVarint32(&n) || !in.Skip(static_cast<int>(n))) return false;
        ++page->records;
      } else if (field == 2 && in.ReadVarint64(&v)) {
        page->cursor = v;
      } else if (field == 3 && in.ReadVarint64(&v)) {
        page->more = v != 0;
      } else if (!WireFormatLite::SkipField(&in, t)) {
        return false;
      }
    }
    if (!in.ConsumedEntireMessage()) return false;
    in.PopLimit(limit);
  }
  return any;
}

asio::awaitable<Result<std::string>> FrameReader::Next(std::chrono::milliseconds timeout) {
  std::string payload;
  while (!decoder_.Next(&payload)) {
    std::error_code ec;
    size_t n = 0;
    bool expired = false;
    {
      net::Deadline dl(co_await asio::this_coro::executor, timeout, [this] {
        std::error_code ignored;
        s_.lowest_layer().close(ignored);
      });
      n = co_await s_.async_read_some(asio::buffer(buf_), asio::redirect_error(asio::use_awaitable, ec));
      expired = dl.expired();
    }
    if (expired) co_return Status::Deadline("no frame from the server within " + std::to_string(timeout.count()) + " ms");
    if (ec) co_return Status::Unavailable("reading from the server: " + ec.message());
    Status fed = decoder_.Feed(std::string_view(buf_.data(), n));
    if (!fed.ok()) co_return fed;
  }
  if (wire::FrameType(payload) != kFrameZstd) co_return payload;
  if (!compressed_) co_return Status::Invalid("a compressed frame that was not agreed");
  wardsync::sync::Frame envelope;
  if (!envelope.ParseFromString(payload)) co_return Status::Invalid("malformed envelope");
  auto opened = wire::ZstdDecompress(envelope.zstd(), wire::kDefaultMaxFrameBytes);
  if (!opened.ok()) co_return opened.status();
  co_return std::move(opened).value();
}

Status ParseFrame(const std::string& payload, wardsync::sync::Frame* frame) {
  return wire::ParseFramePayload(payload, wire::kDefaultMaxFrameBytes, false, frame);
}

}  // namespace wardsync::bench

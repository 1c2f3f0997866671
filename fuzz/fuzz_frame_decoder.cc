// The server's first contact with network bytes (after TLS): the incremental
// frame decoder, then sync.Frame parsing of every complete payload, opening
// zstd envelopes (bounded decompression, common/wire/compression.h) and, for
// half the inputs, the count-first scan of frame_scan.h on the frames before
// and after decompression. The
// input is fed in pieces whose sizes come from the input itself, so frame
// boundaries fall everywhere. Every frame that parses is also read the way
// the client reads a pull page without parsing it (frame_scan.h,
// record_scan.h): the scans must agree with the parse.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock/record_hlc.h"
#include "common/wire/compression.h"
#include "common/wire/frame_scan.h"
#include "common/wire/framing.h"
#include "common/wire/record_scan.h"
#include "proto/sync.pb.h"

// Once per process, outside the per-input timeout: load the forms (and the
// key) and drop protobuf's log lines about invalid UTF-8 (expected here).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int, const std::string&) {});
  return 0;
}

namespace {

// The client's reading of a pull page (pulled_page.h, client_store.cc) on
// the bytes `frame` was parsed from: each disagreement with the parse traps.
void CheckPullScans(std::string_view bytes, const wardsync::sync::Frame& frame) {
  std::vector<std::string_view> records;
  std::string rest;
  const bool split = wardsync::wire::SplitPullBatch(bytes, &records, &rest);
  uint64_t cursor = 0;
  bool more = false;
  const bool next = wardsync::wire::PullBatchNext(bytes, &cursor, &more);
  // A scan may refuse what protobuf accepts (groups, other Frame fields:
  // the client then parses the frame whole); what it accepts must agree.
  if (!split || !next) return;
  if (!frame.has_pull_batch()) __builtin_trap();
  const auto& pb = frame.pull_batch();
  if (records.size() != static_cast<size_t>(pb.records_size())) __builtin_trap();
  if (cursor != pb.cursor() || more != pb.more()) __builtin_trap();
  wardsync::sync::Frame without;
  if (!without.ParseFromString(rest) || without.pull_batch().records_size() != 0 ||
      without.pull_batch().own_size() != pb.own_size() || without.pull_batch().cursor() != pb.cursor())
    __builtin_trap();
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = pb.records(static_cast<int>(i));
    wardsync::wire::PulledRecordHead head;
    // Accepted: what the parse gives (a stamp merged from several
    // occurrences may read larger, never smaller).
    if (wardsync::wire::ScanRecordHead(records[i], &head)) {
      if (head.record_id != r.record_id() || head.log_seq != r.log_seq()) __builtin_trap();
      if (head.largest_hlc < wardsync::LargestHlc(r)) __builtin_trap();
    }
    // Bytes protobuf wrote (what a server sends) are always accepted, and
    // read exactly.
    const std::string canonical = r.SerializeAsString();
    if (!wardsync::wire::ScanRecordHead(canonical, &head)) __builtin_trap();
    if (head.record_id != r.record_id() || head.log_seq != r.log_seq() || head.largest_hlc != wardsync::LargestHlc(r))
      __builtin_trap();
  }
}

}  // namespace

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
      std::string opened;
      if (wardsync::wire::ParseFramePayload(payload, kMax, compressed, &frame, bounds, &opened).ok()) {
        CheckPullScans(opened.empty() ? std::string_view(payload) : std::string_view(opened), frame);
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

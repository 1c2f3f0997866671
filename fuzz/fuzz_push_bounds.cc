// Pushes with extreme counts (issue 10): the input is a change-set template
// and a repetition count of up to ~16 million, turned into a Push frame,
// optionally compressed (a "zip bomb" expands to millions of change-sets).
// Whatever the input, ParseFramePayload with the server's bounds must either
// refuse the frame or return one within them; a parsed push over the count
// bound, or one change-set over the size bound, is a bug (trap).
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/wire/compression.h"
#include "proto/sync.pb.h"

namespace {

void Varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void LengthDelimited(uint32_t field, const std::string& bytes, std::string* out) {
  Varint((field << 3) | 2, out);
  Varint(bytes.size(), out);
  out->append(bytes);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int, const std::string&) {});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  // Bytes 0-2: repetitions (up to 2^24 - 1); byte 3: flags; the rest: one
  // SignedChangeSet's bytes, repeated.
  const uint32_t reps = (uint32_t{data[0]} << 16) | (uint32_t{data[1]} << 8) | data[2];
  const bool compress = data[3] & 1;
  const bool repeated_push = data[3] & 2;  // split over two Push fields (protobuf merges them)
  const std::string cs(reinterpret_cast<const char*>(data) + 4, size - 4);
  constexpr uint32_t kMaxFrame = 8u << 20;
  const wardsync::wire::FrameBounds bounds{1000, 4096, 64u << 10};
  const uint64_t one = 2 + cs.size() + 4;
  if (static_cast<uint64_t>(reps) * one > kMaxFrame) return 0;  // the framing would refuse it by length

  std::string push;
  push.reserve(reps * one);
  for (uint32_t i = 0; i < reps; ++i) LengthDelimited(wardsync::sync::Push::kChangeSetsFieldNumber, cs, &push);
  std::string frame;
  if (repeated_push) {
    const size_t half = push.size() / 2;
    // Cut at a change-set boundary: every element has the same size.
    const size_t cut = one > 4 && reps > 1 ? (reps / 2) * (push.size() / reps) : half;
    LengthDelimited(wardsync::sync::Frame::kPushFieldNumber, push.substr(0, cut), &frame);
    LengthDelimited(wardsync::sync::Frame::kPushFieldNumber, push.substr(cut), &frame);
  } else {
    LengthDelimited(wardsync::sync::Frame::kPushFieldNumber, push, &frame);
  }
  std::string payload = frame;
  if (compress) {
    payload.clear();
    LengthDelimited(wardsync::sync::Frame::kZstdFieldNumber, wardsync::wire::ZstdCompress(frame), &payload);
  }
  if (payload.size() > kMaxFrame) return 0;
  wardsync::sync::Frame parsed;
  if (!wardsync::wire::ParseFramePayload(payload, kMaxFrame, true, &parsed, bounds).ok()) return 0;
  if (!parsed.has_push()) return 0;
  if (static_cast<uint32_t>(parsed.push().change_sets_size()) > bounds.max_push_changesets) __builtin_trap();
  for (const auto& c : parsed.push().change_sets()) {
    if (c.ByteSizeLong() > bounds.max_changeset_bytes) __builtin_trap();
  }
  return 0;
}

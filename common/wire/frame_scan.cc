#include "common/wire/frame_scan.h"

#include <string>

#include "proto/sync.pb.h"

namespace wardsync::wire {
namespace {

// A cursor over protobuf wire format; every read is bounds-checked.
struct Reader {
  const unsigned char* p;
  const unsigned char* end;

  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end) return false;
      const unsigned char b = *p++;
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  // Skips one field's value of `wire_type`; the length-delimited bytes are
  // returned in *bytes.
  bool Skip(uint32_t wire_type, std::string_view* bytes) {
    uint64_t n = 0;
    switch (wire_type) {
      case 0:
        return Varint(&n);
      case 1:
        if (end - p < 8) return false;
        p += 8;
        return true;
      case 5:
        if (end - p < 4) return false;
        p += 4;
        return true;
      case 2:
        if (!Varint(&n) || n > static_cast<uint64_t>(end - p)) return false;
        *bytes = std::string_view(reinterpret_cast<const char*>(p), n);
        p += n;
        return true;
      default:
        return false;  // groups (3, 4) are not used by these messages
    }
  }
  bool Field(uint32_t* number, uint32_t* wire_type, std::string_view* bytes) {
    uint64_t tag = 0;
    if (!Varint(&tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) return false;
    *number = static_cast<uint32_t>(tag >> 3);
    *wire_type = static_cast<uint32_t>(tag & 7);
    *bytes = {};
    return Skip(*wire_type, bytes);
  }
};

Reader Over(std::string_view s) {
  auto* b = reinterpret_cast<const unsigned char*>(s.data());
  return Reader{b, b + s.size()};
}

}  // namespace

bool LargeFrameType(uint32_t n) {
  using F = wardsync::sync::Frame;
  return n == F::kPushFieldNumber || n == F::kPullBatchFieldNumber || n == F::kHelloReplyFieldNumber ||
         n == F::kZstdFieldNumber;
}

uint32_t FrameTypeLimit(uint32_t n, const FrameBounds& b) {
  if (LargeFrameType(n) || !b.max_small_bytes) return 0;
  if (n == wardsync::sync::Frame::kAttachmentChunkFieldNumber && b.max_chunk_frame_bytes > b.max_small_bytes) {
    return b.max_chunk_frame_bytes;
  }
  return b.max_small_bytes;
}

uint32_t FrameType(std::string_view payload) {
  Reader r = Over(payload);
  uint64_t tag = 0;
  if (!r.Varint(&tag)) return 0;
  return static_cast<uint32_t>(tag >> 3);
}

Status ScanFrame(std::string_view payload, const FrameBounds& b) {
  if (!b.any()) return Status::Ok();
  using F = wardsync::sync::Frame;
  Reader top = Over(payload);
  uint64_t change_sets = 0;
  while (top.p != top.end) {
    uint32_t number = 0, type = 0;
    std::string_view bytes;
    if (!top.Field(&number, &type, &bytes)) return Status::Invalid("malformed frame");
    if (const uint32_t limit = FrameTypeLimit(number, b); limit && payload.size() > limit) {
      return Status::Exhausted("a frame of this kind (field " + std::to_string(number) + ") of " +
                               std::to_string(payload.size()) + " bytes exceeds the limit of " +
                               std::to_string(limit));
    }
    if (number != F::kPushFieldNumber || type != 2) continue;
    Reader push = Over(bytes);
    while (push.p != push.end) {
      uint32_t n = 0, t = 0;
      std::string_view cs;
      if (!push.Field(&n, &t, &cs)) return Status::Invalid("malformed push");
      if (n != wardsync::sync::Push::kChangeSetsFieldNumber) continue;
      if (b.max_push_changesets && ++change_sets > b.max_push_changesets) {
        return Status::Exhausted("push of more than " + std::to_string(b.max_push_changesets) +
                                 " change-sets exceeds the limit of " + std::to_string(b.max_push_changesets));
      }
      if (b.max_changeset_bytes && cs.size() > b.max_changeset_bytes) {
        return Status::Exhausted("a change-set of " + std::to_string(cs.size()) + " bytes exceeds the limit of " +
                                 std::to_string(b.max_changeset_bytes));
      }
    }
  }
  return Status::Ok();
}

bool PullBatchRecordBytes(std::string_view payload, std::vector<std::string_view>* records) {
  records->clear();
  bool any_batch = false;
  Reader frame = Over(payload);
  while (frame.p != frame.end) {
    uint32_t number = 0, wire_type = 0;
    std::string_view batch;
    if (!frame.Field(&number, &wire_type, &batch)) return false;
    if (number != wardsync::sync::Frame::kPullBatchFieldNumber) continue;
    if (wire_type != 2) return false;
    any_batch = true;
    Reader fields = Over(batch);
    while (fields.p != fields.end) {
      std::string_view record;
      if (!fields.Field(&number, &wire_type, &record)) return false;
      if (number != wardsync::sync::PullBatch::kRecordsFieldNumber) continue;
      if (wire_type != 2) return false;
      records->push_back(record);
    }
  }
  return any_batch;
}

}  // namespace wardsync::wire

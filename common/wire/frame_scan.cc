#include "common/wire/frame_scan.h"

#include <string>

#include "common/wire/wire_reader.h"
#include "proto/sync.pb.h"

namespace wardsync::wire {


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
  WireReader r = Over(payload);
  uint64_t tag = 0;
  if (!r.Varint(&tag)) return 0;
  return static_cast<uint32_t>(tag >> 3);
}

Status ScanFrame(std::string_view payload, const FrameBounds& b) {
  if (!b.any()) return Status::Ok();
  using F = wardsync::sync::Frame;
  WireReader top = Over(payload);
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
    WireReader push = Over(bytes);
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

bool SplitPullBatch(std::string_view payload, std::vector<std::string_view>* records, std::string* rest) {
  records->clear();
  if (rest) rest->clear();
  bool any_batch = false;
  std::string kept;
  WireReader frame = Over(payload);
  while (frame.p != frame.end) {
    uint32_t number = 0, wire_type = 0;
    std::string_view batch;
    if (!frame.Field(&number, &wire_type, &batch)) return false;
    // A pull page holds nothing else: another field of the frame's oneof
    // would clear the batch read before it (parse the frame whole then).
    if (number != wardsync::sync::Frame::kPullBatchFieldNumber) return false;
    if (wire_type != 2) return false;
    any_batch = true;
    kept.clear();
    WireReader fields = Over(batch);
    while (fields.p != fields.end) {
      const unsigned char* start = fields.p;
      std::string_view record;
      if (!fields.Field(&number, &wire_type, &record)) return false;
      if (number == wardsync::sync::PullBatch::kRecordsFieldNumber) {
        if (wire_type != 2) return false;
        records->push_back(record);
        continue;
      }
      if (number == kSpliceFillerField) continue;  // ignored by every parser anyway
      if (rest) kept.append(reinterpret_cast<const char*>(start), static_cast<size_t>(fields.p - start));
    }
    if (rest) {
      // The occurrence itself stays (an empty page is still a pull page).
      AppendVarint(uint64_t{wardsync::sync::Frame::kPullBatchFieldNumber} << 3 | 2, rest);
      AppendVarint(kept.size(), rest);
      rest->append(kept);
    }
  }
  return any_batch;
}

bool PullBatchRecordBytes(std::string_view payload, std::vector<std::string_view>* records) {
  return SplitPullBatch(payload, records, nullptr);
}

bool PullBatchNext(std::string_view payload, uint64_t* cursor, bool* more) {
  *cursor = 0;
  *more = false;
  bool any_batch = false;
  WireReader frame = Over(payload);
  while (frame.p != frame.end) {
    uint32_t number = 0, wire_type = 0;
    std::string_view batch;
    if (!frame.Field(&number, &wire_type, &batch)) return false;
    if (number != wardsync::sync::Frame::kPullBatchFieldNumber) return false;  // as SplitPullBatch
    if (wire_type != 2) return false;
    any_batch = true;
    WireReader fields = Over(batch);
    while (fields.p != fields.end) {
      // Read the two varints here: Field() skips a varint's value.
      uint32_t field = 0, type = 0;
      if (!fields.Tag(&field, &type)) return false;
      if ((field == wardsync::sync::PullBatch::kCursorFieldNumber ||
           field == wardsync::sync::PullBatch::kMoreFieldNumber) &&
          type == 0) {
        uint64_t v = 0;
        if (!fields.Varint(&v)) return false;
        if (field == wardsync::sync::PullBatch::kCursorFieldNumber) {
          *cursor = v;
        } else {
          *more = v != 0;
        }
        continue;
      }
      std::string_view skipped;
      if (!fields.Skip(type, &skipped)) return false;
    }
  }
  return any_batch;
}

}  // namespace wardsync::wire

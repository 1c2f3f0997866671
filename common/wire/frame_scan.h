// Bounds checked on a frame's bytes BEFORE it is parsed (PROTOCOL.md,
// Limits): protobuf would otherwise build every message first, and a 723-
// byte compressed frame expanded to a Push of 4.19 million empty change-sets
// cost the server ~10 s of CPU and 1.1 GB before any count was looked at.
//
// ScanFrame walks the serialized sync.Frame at the wire level (tags and
// lengths only, nothing allocated): it counts the change-sets of a Push
// (across repeated occurrences, which protobuf would merge), bounds each
// one's size, and bounds every frame other than Push, PullBatch and
// HelloReply to max_small_bytes, except an AttachmentChunk, which carries up
// to the negotiated chunk size and is bounded by max_chunk_frame_bytes. The
// other attachment frames (offer, status, done, refused) are small. FrameType reads which message a payload
// holds from its first bytes (used to bound a compressed frame's declared
// size before it is decompressed).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace wardsync::wire {

struct FrameBounds {
  uint32_t max_push_changesets = 0;   // 0: not checked
  uint32_t max_changeset_bytes = 0;   // one SignedChangeSet of a Push; 0: not checked
  uint32_t max_small_bytes = 0;       // any frame but Push, PullBatch, HelloReply; 0: not checked
  uint32_t max_chunk_frame_bytes = 0; // an AttachmentChunk frame; 0: bounded as a small frame
  bool any() const { return max_push_changesets || max_changeset_bytes || max_small_bytes; }
};

// kResourceExhausted for a frame over a bound (the message says which),
// kInvalidArgument for bytes that are not a protobuf message at all.
Status ScanFrame(std::string_view payload, const FrameBounds& bounds);

// The field number of the first field of a serialized sync.Frame (which
// message it holds), or 0 if the bytes do not start with a valid tag.
uint32_t FrameType(std::string_view payload);
// True if a frame of that type may be large (Push, PullBatch, HelloReply).
bool LargeFrameType(uint32_t field_number);
// The most bytes a frame of that type may have under `bounds`; 0: only the
// frame limit (a large type, or no small-frame bound).
uint32_t FrameTypeLimit(uint32_t field_number, const FrameBounds& bounds);

// The serialized bytes of each record of a sync.Frame holding a PullBatch,
// in the order protobuf parses them (across repeated pull_batch
// occurrences, which it merges: a page spliced from cached pieces has two).
// The views point into `payload`. False if the bytes are not such a frame,
// or hold another field than pull_batch (then *records is unspecified). The client stores a pulled record as
// these bytes instead of serializing the parsed one again.
bool PullBatchRecordBytes(std::string_view payload, std::vector<std::string_view>* records);

// The same records, and in *rest (if not null) the rest of the frame (false
// if the frame holds any field but pull_batch: another field of Frame's
// oneof would clear a batch parsed before it; the reader parses it whole): the
// same sync.Frame without its records and without the splice filler
// (kSpliceFillerField), so that a reader storing the records as they came
// parses only the page's other fields (cursor, more, own echoes...).
// Parsing *rest gives exactly the parse of `payload` but for the records.
inline constexpr uint32_t kSpliceFillerField = 15;  // PullBatch's reserved field (zstd_splice.h)
bool SplitPullBatch(std::string_view payload, std::vector<std::string_view>* records, std::string* rest);

// The `cursor` and `more` a parse of this sync.Frame's PullBatch would give
// (protobuf keeps the last value of a repeated scalar, across merged
// pull_batch occurrences too), read from its bytes without parsing the
// records: the client asks for the next page with them while it still
// parses this one. False if the bytes are not a frame holding only
// pull_batch (as SplitPullBatch).
bool PullBatchNext(std::string_view payload, uint64_t* cursor, bool* more);

}  // namespace wardsync::wire

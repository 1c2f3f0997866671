// Compressed frames (proto/PROTOCOL.md, "Compression"). After the hello has
// negotiated it, a frame payload of at least kCompressMinBytes that zstd
// makes smaller travels as an envelope: a sync.Frame whose only field is
// `zstd`, the compressed bytes of the original serialized Frame. This file
// is the only place that builds or opens an envelope; FramedStream calls it
// for every frame it queues or reads, so Session and the client's Round
// never see compressed bytes.
//
// Decompression is bounded before any memory is committed: the zstd frame
// must declare its content size (ZSTD_getFrameContentSize) and that size
// must be at most the connection's max_frame_bytes, so a small frame cannot
// expand into gigabytes (a "zip bomb").
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/wire/frame_scan.h"
#include "proto/sync.pb.h"

namespace wardsync::wire {

// Smaller payloads go as they are: zstd's frame header and the envelope
// would eat most of the gain, and the CPU is not worth it.
inline constexpr size_t kCompressMinBytes = 1024;
// zstd level 1: ~3x smaller pull pages at several hundred MB/s on one core,
// so compressing costs the server far less than the TLS and I/O it saves.
inline constexpr int kZstdLevel = 1;

// If `payload` (one serialized sync.Frame) is at least kCompressMinBytes and
// its envelope is smaller, sets *envelope to the serialized envelope and
// returns true; otherwise returns false (send `payload` as it is).
bool SealCompressed(std::string_view payload, std::string* envelope);

// Parses one received payload into *frame. An envelope is opened when
// `allow_compressed` (else refused: the peer did not negotiate it);
// an envelope inside an envelope is refused. Errors are kInvalidArgument:
// "malformed frame" or "bad compressed frame: <why>".
//
// `bounds` (frame_scan.h) are checked on the bytes before they are parsed,
// inside an envelope too; an envelope's declared size is bounded by the
// kind of frame it holds (read from its first decompressed bytes) before the
// rest is decompressed. A frame over a bound is kResourceExhausted.
// `inner`: when the payload was an envelope, receives the decompressed
// bytes the frame was parsed from (untouched otherwise).
Status ParseFramePayload(std::string_view payload, uint32_t max_frame_bytes, bool allow_compressed,
                         wardsync::sync::Frame* frame, const FrameBounds& bounds = {}, std::string* inner = nullptr);

// ParseFramePayload in two steps, for a reader that looks at a frame's
// bytes before it parses them (the client asks for its next pull page as
// soon as a page is here: wire::PullBatchNext). OpenFramePayload checks
// `bounds` and opens an envelope into *inner (left empty when the payload
// is not an envelope: the frame is then the payload itself);
// ParseOpenedFrame parses those bytes. An envelope is a frame whose one and
// only field is `zstd`; a frame that has that field beside others is
// refused when parsed.
Status OpenFramePayload(std::string_view payload, uint32_t max_frame_bytes, bool allow_compressed,
                        const FrameBounds& bounds, std::string* inner);
Status ParseOpenedFrame(std::string_view bytes, bool was_envelope, wardsync::sync::Frame* frame);

// A payload that already is an envelope (its first byte is the envelope's
// tag: a serialized Frame whose field is `zstd`) is never sealed again:
// SealCompressed returns false for it and it goes as it is. The server's
// shared pull pages (server/pull/shared_pages.h) come sealed.
bool IsEnvelope(std::string_view payload);

// One zstd frame that decodes to `shared_content` followed by `tail`, made
// without compressing again: `shared` is a single zstd frame (as
// ZstdCompress makes it, no checksum, no dictionary) of shared_size bytes;
// its compressed blocks are copied as they are (the last one's last-block
// flag cleared) behind a new frame header declaring the total size, and
// `tail` follows as raw blocks. A raw block uses neither the repeat offsets
// nor the entropy tables the compressed blocks left, so any zstd decoder
// decodes the result. Returns "" if `shared` is not such a frame.
std::string ZstdAppendRaw(std::string_view shared, uint64_t shared_size, std::string_view tail);
// An envelope (serialized Frame{zstd}) around a zstd frame.
std::string SealEnvelope(std::string_view zstd_frame);

// The zstd layer alone (exposed for tests). Decompress accepts exactly one
// zstd frame that declares a content size of 1..max_bytes and decodes to
// exactly that size.
std::string ZstdCompress(std::string_view data, int level = kZstdLevel);
Result<std::string> ZstdDecompress(std::string_view compressed, uint32_t max_bytes);
// The first (at most) n bytes the zstd frame decodes to, without decoding
// the rest ("" if it is corrupt).
std::string ZstdPeek(std::string_view compressed, size_t n);

}  // namespace wardsync::wire

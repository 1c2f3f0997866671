#include "common/wire/compression.h"
#include "common/wire/wire_reader.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader, ZSTD_BLOCKSIZE_MAX
#include <zstd.h>

#include <algorithm>
#include <memory>

namespace wardsync::wire {
namespace {

// One context per thread, reused for every frame: creating a compression
// context per frame costs more than compressing a small one. Per thread, not
// per connection, so thousands of idle server connections hold none (the
// server's few io threads hold one each).
struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx(ZSTD_createCCtx());
  return cctx.get();
}

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> dctx(ZSTD_createDCtx());
  return dctx.get();
}

// The envelope is sync.Frame{zstd: bytes}: one length-delimited field, so
// its serialization is the field's tag, the varint length, the bytes (the
// same encoding protobuf would produce, without copying through a Frame).
constexpr uint32_t kEnvelopeTag = (wardsync::sync::Frame::kZstdFieldNumber << 3) | 2;
static_assert(kEnvelopeTag < 0x80, "the envelope tag is one byte");

}  // namespace

std::string ZstdCompress(std::string_view data, int level) {
  // Compressed into a per-thread buffer that keeps its size: a fresh
  // ZSTD_compressBound-sized string per frame was zero-filled every time
  // (256 KiB per pull page: ~2% of the server's instructions in bench S4).
  // A buffer grown past 1 MiB (a large push on a client) is let go after.
  constexpr size_t kKeepBytes = 1u << 20;
  thread_local std::string scratch;
  const size_t bound = ZSTD_compressBound(data.size());
  if (scratch.size() < bound) scratch.resize(bound);
  // Single-shot compression records the content size in the zstd frame
  // header, which ZstdDecompress requires.
  const size_t n = ZSTD_compressCCtx(ThreadCCtx(), scratch.data(), bound, data.data(), data.size(), level);
  std::string out;
  if (!ZSTD_isError(n)) out.assign(scratch.data(), n);  // never an error with a ZSTD_compressBound buffer
  if (scratch.size() > kKeepBytes) std::string().swap(scratch);
  return out;
}

Result<std::string> ZstdDecompress(std::string_view compressed, uint32_t max_bytes) {
  const size_t whole = ZSTD_findFrameCompressedSize(compressed.data(), compressed.size());
  if (ZSTD_isError(whole)) return Status::Invalid(std::string("not a zstd frame: ") + ZSTD_getErrorName(whole));
  if (whole != compressed.size()) return Status::Invalid("bytes after the zstd frame");
  const unsigned long long declared = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) return Status::Invalid("not a zstd frame");
  if (declared == ZSTD_CONTENTSIZE_UNKNOWN)
    return Status::Invalid("the zstd frame does not declare its decompressed size");
  if (declared == 0 || declared > max_bytes)
    return Status::Invalid("the zstd frame declares " + std::to_string(declared) +
                           " decompressed bytes, outside 1.." + std::to_string(max_bytes));
  // Only now is memory committed, and never more than max_bytes.
  std::string out(static_cast<size_t>(declared), '\0');
  const size_t n = ZSTD_decompressDCtx(ThreadDCtx(), out.data(), out.size(), compressed.data(), compressed.size());
  if (ZSTD_isError(n)) return Status::Invalid(std::string("corrupt zstd frame: ") + ZSTD_getErrorName(n));
  if (n != out.size()) return Status::Invalid("the zstd frame decodes to fewer bytes than it declares");
  return out;
}

std::string ZstdPeek(std::string_view compressed, size_t n) {
  ZSTD_DCtx* d = ThreadDCtx();
  ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
  std::string out(n, '\0');
  ZSTD_inBuffer in{compressed.data(), compressed.size(), 0};
  ZSTD_outBuffer o{out.data(), out.size(), 0};
  // Stops once `out` is full: only the blocks needed for n bytes are decoded.
  while (o.pos < o.size && in.pos < in.size) {
    const size_t r = ZSTD_decompressStream(d, &o, &in);
    if (ZSTD_isError(r)) {
      ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
      return {};
    }
    if (r == 0) break;
  }
  ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
  out.resize(o.pos);
  return out;
}

bool IsEnvelope(std::string_view payload) {
  return !payload.empty() && static_cast<uint8_t>(payload[0]) == kEnvelopeTag;
}

std::string SealEnvelope(std::string_view zstd_frame) {
  std::string out;
  out.reserve(zstd_frame.size() + 5);
  out.push_back(static_cast<char>(kEnvelopeTag));
  AppendVarint(zstd_frame.size(), &out);
  out.append(zstd_frame);
  return out;
}

std::string ZstdAppendRaw(std::string_view shared, uint64_t shared_size, std::string_view tail) {
  // Zstandard frame format (RFC 8878, 3.1.1): magic, frame header, blocks of
  // a 3-byte header each (bit 0 last block, bits 1-2 type: 0 raw, 1 RLE,
  // 2 compressed; bits 3-23 size), then a checksum if the header says so.
  ZSTD_frameHeader fh;
  if (ZSTD_getFrameHeader(&fh, shared.data(), shared.size()) != 0) return {};
  if (fh.frameType != ZSTD_frame || fh.checksumFlag || fh.dictID != 0) return {};
  if (fh.frameContentSize != shared_size) return {};
  const size_t whole = ZSTD_findFrameCompressedSize(shared.data(), shared.size());
  if (ZSTD_isError(whole) || whole != shared.size()) return {};
  const uint64_t total = shared_size + tail.size();
  if (total > UINT32_MAX) return {};
  std::string out;
  out.reserve(shared.size() + tail.size() + 3 * (tail.size() / ZSTD_BLOCKSIZE_MAX + 1) + 16);
  // New header: single segment (the window is the whole content, which
  // covers every match the shared blocks make, since they come first) and
  // a 4-byte content size.
  const char magic[4] = {'\x28', '\xb5', '\x2f', '\xfd'};
  out.append(magic, 4);
  out.push_back(static_cast<char>(0x80 | 0x20));  // FCS_Field_Size 2 (4 bytes), Single_Segment
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((total >> (8 * i)) & 0xff));
  size_t pos = fh.headerSize;
  size_t last_header = std::string::npos;
  for (;;) {
    if (pos + 3 > shared.size()) return {};
    const uint32_t bh = static_cast<uint8_t>(shared[pos]) | static_cast<uint8_t>(shared[pos + 1]) << 8 |
                        static_cast<uint32_t>(static_cast<uint8_t>(shared[pos + 2])) << 16;
    const uint32_t type = (bh >> 1) & 3;
    const uint32_t size = bh >> 3;
    const size_t body = type == 1 ? 1 : size;  // an RLE block holds one byte
    if (type == 3 || pos + 3 + body > shared.size()) return {};
    last_header = out.size() + (pos - fh.headerSize);
    pos += 3 + body;
    if (bh & 1) break;
  }
  if (pos != shared.size()) return {};
  out.append(shared.substr(fh.headerSize));
  if (!tail.empty()) out[last_header] = static_cast<char>(out[last_header] & ~1);
  for (size_t at = 0; at < tail.size(); at += ZSTD_BLOCKSIZE_MAX) {
    const size_t n = std::min<size_t>(ZSTD_BLOCKSIZE_MAX, tail.size() - at);
    const uint32_t bh = static_cast<uint32_t>(n) << 3 | (at + n == tail.size() ? 1u : 0u);  // raw
    out.push_back(static_cast<char>(bh & 0xff));
    out.push_back(static_cast<char>((bh >> 8) & 0xff));
    out.push_back(static_cast<char>((bh >> 16) & 0xff));
    out.append(tail.substr(at, n));
  }
  return out;
}

bool SealCompressed(std::string_view payload, std::string* envelope) {
  if (payload.size() < kCompressMinBytes) return false;
  if (IsEnvelope(payload)) return false;  // sealed already (a shared pull page)
  std::string z = ZstdCompress(payload);
  if (z.empty()) return false;
  // Tag (1 byte) and length (at most 4 bytes below 256 MiB) must fit too.
  if (z.size() + 5 >= payload.size()) return false;
  envelope->clear();
  envelope->reserve(z.size() + 5);
  envelope->push_back(static_cast<char>(kEnvelopeTag));
  AppendVarint(z.size(), envelope);
  envelope->append(z);
  return true;
}

namespace {

// The compressed bytes of an envelope: a payload whose one and only field
// is `zstd` (as SealEnvelope makes it). False for anything else.
bool EnvelopeBytes(std::string_view payload, std::string_view* z) {
  if (!IsEnvelope(payload)) return false;
  uint64_t n = 0;
  size_t at = 1;
  for (int shift = 0;; shift += 7) {
    if (at == payload.size() || shift > 63) return false;
    const auto b = static_cast<uint8_t>(payload[at++]);
    n |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
  }
  if (n != payload.size() - at) return false;
  *z = payload.substr(at);
  return true;
}

}  // namespace

Status OpenFramePayload(std::string_view payload, uint32_t max_frame_bytes, bool allow_compressed,
                        const FrameBounds& bounds, std::string* inner) {
  inner->clear();
  WS_RETURN_IF_ERROR(ScanFrame(payload, bounds));
  std::string_view z;
  if (!EnvelopeBytes(payload, &z)) return Status::Ok();
  if (!allow_compressed) return Status::Invalid("bad compressed frame: compression was not negotiated");
  uint32_t limit = max_frame_bytes;
  if (bounds.max_small_bytes) {
    // What the envelope holds decides how large it may be, before the
    // whole of it is decompressed: a small kind of frame stays small.
    const unsigned long long declared = ZSTD_getFrameContentSize(z.data(), z.size());
    if (declared != ZSTD_CONTENTSIZE_ERROR && declared != ZSTD_CONTENTSIZE_UNKNOWN &&
        declared > bounds.max_small_bytes) {
      const uint32_t kind_limit = FrameTypeLimit(FrameType(ZstdPeek(z, 6)), bounds);
      if (kind_limit && declared > kind_limit) {
        return Status::Exhausted("a compressed frame of this kind declaring " + std::to_string(declared) +
                                 " bytes exceeds the limit of " + std::to_string(kind_limit));
      }
    }
  }
  auto opened = ZstdDecompress(z, limit);
  if (!opened.ok()) return Status::Invalid("bad compressed frame: " + opened.status().message());
  if (opened->empty()) return Status::Invalid("bad compressed frame: it holds no frame");
  WS_RETURN_IF_ERROR(ScanFrame(*opened, bounds));
  *inner = std::move(*opened);
  return Status::Ok();
}

Status ParseOpenedFrame(std::string_view bytes, bool was_envelope, wardsync::sync::Frame* frame) {
  if (!frame->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Invalid(was_envelope ? "malformed frame (inside a compressed frame)" : "malformed frame");
  }
  if (frame->msg_case() == wardsync::sync::Frame::kZstd) {
    return Status::Invalid(was_envelope ? "bad compressed frame: a compressed frame inside a compressed frame"
                                        : "bad compressed frame: an envelope holds nothing but the compressed bytes");
  }
  return Status::Ok();
}

Status ParseFramePayload(std::string_view payload, uint32_t max_frame_bytes, bool allow_compressed,
                         wardsync::sync::Frame* frame, const FrameBounds& bounds, std::string* inner_out) {
  std::string inner;
  WS_RETURN_IF_ERROR(OpenFramePayload(payload, max_frame_bytes, allow_compressed, bounds, &inner));
  const bool was_envelope = !inner.empty();
  WS_RETURN_IF_ERROR(ParseOpenedFrame(was_envelope ? std::string_view(inner) : payload, was_envelope, frame));
  if (inner_out && was_envelope) *inner_out = std::move(inner);
  return Status::Ok();
}

}  // namespace wardsync::wire

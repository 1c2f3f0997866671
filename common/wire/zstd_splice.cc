#include "common/wire/zstd_splice.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader, ZSTD_BLOCKSIZE_MAX
#include <zstd.h>

#include <algorithm>

namespace wardsync::wire {

namespace {

// Made once with ZSTD_compressSequences (zstd 1.5.4, minMatch 3, explicit
// block delimiters) from six sequences: literal lengths 16, 1, 1, 1, 1, 1;
// offsets 16, 12, 10, 8, 4, 1; match lengths 3, 3, 3, 3, 3, 60. The
// literals are the filler's first bytes (0x32 0x5e: Frame.pull_batch, 94
// bytes; 0x7a 0x5c: PullBatch field 15, 92 bytes), then 'r' and 's'. Every
// offset is coded explicitly (none equals a repeat offset of its time when
// starting from {1, 4, 8}), so the block decodes the same whatever the
// repeat offsets before it. Literals raw, sequence tables predefined: it
// uses no table a previous block left either. The body, behind a 3-byte
// block header (compressed, 39 bytes).
constexpr unsigned char kResetBody[] = {
    0xa8, 0x32, 0x5e, 0x7a, 0x5c, 0x72, 0x72, 0x72, 0x72, 0x72, 0x72, 0x72, 0x72, 0x72,
    0x72, 0x72, 0x72, 0x73, 0x73, 0x73, 0x73, 0x73, 0x06, 0x00, 0xc1, 0x49, 0xb2, 0x03,
    0x6e, 0x05, 0x60, 0x2d, 0x80, 0xbc, 0x00, 0xd7, 0x00, 0x73, 0x09};

std::string MakeFiller() {
  std::string f = "\x32\x5e\x7a\x5c";
  f.append(12, 'r');
  const int offsets[] = {16, 12, 10, 8, 4, 1};
  const int matches[] = {3, 3, 3, 3, 3, 60};
  for (int i = 0; i < 6; ++i) {
    if (i > 0) f.push_back('s');
    for (int k = 0; k < matches[i]; ++k) f.push_back(f[f.size() - offsets[i]]);
  }
  return f;  // 96 bytes
}

}  // namespace

std::string_view SpliceFiller() {
  static const std::string filler = MakeFiller();
  return filler;
}

void ZstdSplice::BlockHeader(uint32_t size, uint32_t type) {
  last_header_ = blocks_.size();
  const uint32_t bh = size << 3 | type << 1;
  blocks_.push_back(static_cast<char>(bh & 0xff));
  blocks_.push_back(static_cast<char>((bh >> 8) & 0xff));
  blocks_.push_back(static_cast<char>((bh >> 16) & 0xff));
}

bool ZstdSplice::AddCompressed(std::string_view frame, uint64_t content_size) {
  // Zstandard frame format (RFC 8878, 3.1.1): magic, frame header, blocks of
  // a 3-byte header each (bit 0 last block, bits 1-2 type: 0 raw, 1 RLE,
  // 2 compressed; bits 3-23 size), then a checksum if the header says so.
  ZSTD_frameHeader fh;
  if (ZSTD_getFrameHeader(&fh, frame.data(), frame.size()) != 0) return false;
  if (fh.frameType != ZSTD_frame || fh.checksumFlag || fh.dictID != 0) return false;
  if (fh.frameContentSize != content_size) return false;
  const size_t whole = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(whole) || whole != frame.size()) return false;
  // Check every block before adding any.
  size_t pos = fh.headerSize;
  size_t last = 0;
  bool compressed = false;
  for (;;) {
    if (pos + 3 > frame.size()) return false;
    const uint32_t bh = static_cast<uint8_t>(frame[pos]) | static_cast<uint8_t>(frame[pos + 1]) << 8 |
                        static_cast<uint32_t>(static_cast<uint8_t>(frame[pos + 2])) << 16;
    const uint32_t type = (bh >> 1) & 3;
    const size_t body = type == 1 ? 1 : bh >> 3;  // an RLE block holds one byte
    if (type == 3 || pos + 3 + body > frame.size()) return false;
    compressed = compressed || type == 2;
    last = pos;
    pos += 3 + body;
    if (bh & 1) break;
  }
  if (pos != frame.size()) return false;
  if (compressed && compressed_before_) {
    BlockHeader(sizeof(kResetBody), 2);
    blocks_.append(reinterpret_cast<const char*>(kResetBody), sizeof(kResetBody));
    content_ += SpliceFiller().size();
  }
  const size_t at = blocks_.size();
  blocks_.append(frame.substr(fh.headerSize));
  last_header_ = at + (last - fh.headerSize);
  blocks_[last_header_] = static_cast<char>(blocks_[last_header_] & ~1);
  content_ += content_size;
  compressed_before_ = compressed_before_ || compressed;
  return true;
}

void ZstdSplice::AddRaw(std::string_view bytes) {
  for (size_t at = 0; at < bytes.size(); at += ZSTD_BLOCKSIZE_MAX) {
    const size_t n = std::min<size_t>(ZSTD_BLOCKSIZE_MAX, bytes.size() - at);
    BlockHeader(static_cast<uint32_t>(n), 0);
    blocks_.append(bytes.substr(at, n));
  }
  content_ += bytes.size();
}

std::string ZstdSplice::Finish() {
  if (last_header_ == std::string::npos || content_ > UINT32_MAX) return {};
  blocks_[last_header_] = static_cast<char>(blocks_[last_header_] | 1);
  std::string out;
  out.reserve(9 + blocks_.size());
  // Single segment (the window is the whole content, which covers every
  // match of every piece) and a 4-byte content size.
  const char magic[4] = {'\x28', '\xb5', '\x2f', '\xfd'};
  out.append(magic, 4);
  out.push_back(static_cast<char>(0x80 | 0x20));  // FCS_Field_Size 2 (4 bytes), Single_Segment
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((content_ >> (8 * i)) & 0xff));
  out.append(blocks_);
  return out;
}

}  // namespace wardsync::wire

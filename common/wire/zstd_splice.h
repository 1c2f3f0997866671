// One zstd frame made of several zstd frames compressed apart (cached
// pieces of a pull page, server/pull/shared_pages.h) and raw bytes, without
// compressing anything again: a client decodes it as any one frame.
//
// A frame's blocks may be copied behind other blocks as they are, except
// for what a decoder carries from block to block: the window (a piece's
// matches reach back only into its own bytes, which precede them in the
// output too), the entropy tables (a piece's first block cannot repeat a
// table: its compressor had none), and the three repeat offsets, which
// every frame starts as {1, 4, 8} and a piece's first sequences may use.
// Raw blocks leave all three alone, so a piece behind raw blocks only needs
// nothing; a piece behind another piece's compressed blocks gets a reset
// block first: a fixed compressed block of six sequences with explicit
// offsets (16, 12, 10, 8, 4, 1) that leave the repeat offsets at {1, 4, 8}
// whatever they were. Its 96 decoded bytes are a sync.Frame holding a
// PullBatch with only the field 15 (reserved in proto/sync.proto: unknown
// to every parser, skipped), so the splice is for pull pages only.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace wardsync::wire {

// What a reset block decodes to (exposed for tests).
std::string_view SpliceFiller();

class ZstdSplice {
 public:
  // `frame` is one zstd frame (as ZstdCompress makes it: no checksum, no
  // dictionary) decoding to `content_size` bytes. False (and nothing
  // added) if it is not.
  bool AddCompressed(std::string_view frame, uint64_t content_size);
  void AddRaw(std::string_view bytes);
  // The frame: a header declaring the total size (single segment), the
  // blocks, the last one flagged. "" if nothing was added or over 4 GiB.
  std::string Finish();
  uint64_t content_size() const { return content_; }

 private:
  void BlockHeader(uint32_t size, uint32_t type);
  std::string blocks_;
  uint64_t content_ = 0;
  size_t last_header_ = std::string::npos;
  bool compressed_before_ = false;
};

}  // namespace wardsync::wire

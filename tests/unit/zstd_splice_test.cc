// wire::ZstdSplice (common/wire/zstd_splice.h): frames compressed apart and
// raw bytes make one zstd frame that the stock decoder opens to all of them
// in order; a piece behind another piece's compressed blocks needs the reset
// block (its first sequences may use the repeat offsets every frame starts
// with), and the reset block's filler is a pull_batch protobuf skips.
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_frameHeaderSize
#include <zstd.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "common/wire/compression.h"
#include "common/wire/zstd_splice.h"
#include "proto/sync.pb.h"
#include "tests/support/stock_zstd.h"

using namespace wardsync;

namespace {

std::string Decode(const std::string& z) { return test::StockZstdDecode(z).value_or("<error>"); }

// Text whose compression uses matches at many offsets, so that its frame
// ends with repeat offsets far from the {1, 4, 8} a frame starts with.
std::string Text(std::mt19937& rng, size_t n) {
  static const std::vector<std::string> words = {"ward", "voter", "meeting", "record", "phuong", "stamp", "field"};
  std::string s;
  while (s.size() < n) {
    s += words[rng() % words.size()];
    s += static_cast<char>('0' + rng() % 10);
  }
  return s;
}

// The blocks of a zstd frame made by ZstdCompress (header stripped).
std::string Blocks(const std::string& z) {
  const size_t header = ZSTD_frameHeaderSize(z.data(), z.size());
  REQUIRE_FALSE(ZSTD_isError(header));
  return z.substr(header);
}

}  // namespace

TEST_CASE("spliced pieces and raw parts decode to all of them in order", "[wire][zstd][splice]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    wire::ZstdSplice splice;
    std::string want;
    const int parts = 1 + static_cast<int>(rng() % 6);
    bool compressed_before = false;
    for (int i = 0; i < parts; ++i) {
      // A piece starting with a run uses the repeat offset 1 at once.
      std::string content = (rng() % 2 ? std::string(40 + rng() % 200, 'z') : "") + Text(rng, 100 + rng() % 40000);
      if (rng() % 3 == 0) {
        splice.AddRaw(content);
        want += content;
        continue;
      }
      const std::string z = wire::ZstdCompress(content);
      REQUIRE(splice.AddCompressed(z, content.size()));
      if (compressed_before) want += wire::SpliceFiller();
      compressed_before = true;
      want += content;
    }
    const std::string frame = splice.Finish();
    REQUIRE(splice.content_size() == want.size());
    CHECK(Decode(frame) == want);
    auto opened = wire::ZstdDecompress(frame, static_cast<uint32_t>(want.size()));
    REQUIRE(opened.ok());
    CHECK(*opened == want);
  }
}

TEST_CASE("without the reset block a piece behind another does not decode", "[wire][zstd][splice]") {
  // The hazard the reset block removes: the same blocks joined as they are.
  std::mt19937 rng(3);
  int broken = 0;
  for (int round = 0; round < 20; ++round) {
    const std::string a = Text(rng, 5000);
    const std::string b = std::string(100, 'z') + Text(rng, 5000);
    const std::string za = wire::ZstdCompress(a), zb = wire::ZstdCompress(b);
    // Joined by hand: a new header declaring both sizes, a's blocks (the
    // last-block flag cleared), b's blocks.
    wire::ZstdSplice header_only;
    header_only.AddRaw(a + b);  // the header of a frame of that size
    const std::string h = header_only.Finish().substr(0, 9);
    std::string joined = h;
    std::string blocks_a = Blocks(za);
    // Walk a's blocks to clear the last one's flag.
    size_t pos = 0, last = 0;
    for (;;) {
      const uint32_t bh = static_cast<uint8_t>(blocks_a[pos]) | static_cast<uint8_t>(blocks_a[pos + 1]) << 8 |
                          static_cast<uint32_t>(static_cast<uint8_t>(blocks_a[pos + 2])) << 16;
      last = pos;
      pos += 3 + (((bh >> 1) & 3) == 1 ? 1 : bh >> 3);
      if (bh & 1) break;
    }
    blocks_a[last] = static_cast<char>(blocks_a[last] & ~1);
    joined += blocks_a + Blocks(zb);
    if (Decode(joined) != a + b) ++broken;
    wire::ZstdSplice splice;
    REQUIRE(splice.AddCompressed(za, a.size()));
    REQUIRE(splice.AddCompressed(zb, b.size()));
    CHECK(Decode(splice.Finish()) == a + std::string(wire::SpliceFiller()) + b);
  }
  CHECK(broken > 0);
}

TEST_CASE("the reset block's filler is a pull batch that adds nothing to the merged page", "[wire][zstd][splice]") {
  const std::string_view filler = wire::SpliceFiller();
  REQUIRE(filler.size() == 96);
  sync::Frame records, tail;
  records.mutable_pull_batch()->add_records()->set_record_id("r1");
  tail.mutable_pull_batch()->set_cursor(77);
  tail.mutable_pull_batch()->set_more(true);
  sync::Frame merged;
  REQUIRE(merged.ParseFromString(records.SerializeAsString() + std::string(filler) +
                                 records.SerializeAsString() + tail.SerializeAsString()));
  REQUIRE(merged.has_pull_batch());
  CHECK(merged.pull_batch().records_size() == 2);
  CHECK(merged.pull_batch().cursor() == 77);
  CHECK(merged.pull_batch().more());
  sync::Frame alone;
  REQUIRE(alone.ParseFromString(std::string(filler)));
  CHECK(alone.pull_batch().records_size() == 0);
  CHECK(alone.pull_batch().cursor() == 0);
}

TEST_CASE("a splice refuses what is not one plain zstd frame", "[wire][zstd][splice]") {
  wire::ZstdSplice splice;
  const std::string content(5000, 'q');
  const std::string z = wire::ZstdCompress(content);
  CHECK_FALSE(splice.AddCompressed(z, content.size() + 1));  // wrong size
  CHECK_FALSE(splice.AddCompressed(z.substr(0, z.size() - 1), content.size()));  // cut short
  CHECK_FALSE(splice.AddCompressed(z + "x", content.size()));  // trailing bytes
  CHECK_FALSE(splice.AddCompressed("not zstd", 8));
  CHECK(splice.Finish().empty());  // nothing added
}

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "common/wire/framing.h"

using wardsync::wire::AppendFrame;
using wardsync::wire::FrameDecoder;

TEST_CASE("frames split at any byte reassemble", "[wire]") {
  std::string stream;
  AppendFrame("hello", &stream);
  AppendFrame(std::string(1000, 'x'), &stream);
  for (size_t step = 1; step < 9; ++step) {
    FrameDecoder d;
    std::vector<std::string> got;
    for (size_t i = 0; i < stream.size(); i += step) {
      REQUIRE(d.Feed(std::string_view(stream).substr(i, step)).ok());
      std::string p;
      while (d.Next(&p)) got.push_back(p);
    }
    REQUIRE(got.size() == 2);
    CHECK(got[0] == "hello");
    CHECK(got[1] == std::string(1000, 'x'));
  }
}

TEST_CASE("oversized and zero-length frames are refused", "[wire]") {
  FrameDecoder d(100);
  std::string stream;
  AppendFrame(std::string(101, 'a'), &stream);
  CHECK_FALSE(d.Feed(stream.substr(0, 4)).ok());
  FrameDecoder z(100);
  CHECK_FALSE(z.Feed(std::string(4, '\0')).ok());
}

// Reserve/Commit: how FramedStream receives (straight into the decoder).
// What the decoder holds is sized to need and given back once consumed.
TEST_CASE("the decoder receives in place and holds only what is not yet taken", "[wire]") {
  std::string a, b;
  AppendFrame(std::string(100'000, 'a'), &a);
  AppendFrame("bb", &b);
  FrameDecoder d;
  // The header first, as a connection waiting for its next frame reads it:
  // 4 bytes, no heap (std::string's inline buffer is 15).
  CHECK(d.missing() == 4);
  char* at = d.Reserve(4);
  std::copy(a.begin(), a.begin() + 4, at);
  REQUIRE(d.Commit(4).ok());
  CHECK(d.missing() == 100'000);
  // Then 16 KiB reads, some short: the frame is allocated once, at its size.
  size_t off = 4;
  size_t capacity = 0;
  while (off < a.size()) {
    const size_t want = std::min<size_t>(d.missing(), 16 * 1024);
    at = d.Reserve(want);
    const size_t got = std::min(want / 2 + 1, a.size() - off);  // a short read
    std::copy(a.begin() + off, a.begin() + off + got, at);
    REQUIRE(d.Commit(got).ok());
    off += got;
    if (capacity == 0) capacity = d.capacity();
    CHECK(d.capacity() == capacity);  // never regrown
    CHECK(d.buffered() == off);       // the uncommitted rest of a read is dropped
  }
  CHECK(capacity == a.size());
  CHECK(d.missing() == 0);
  std::string p;
  REQUIRE(d.Next(&p));
  CHECK(p == std::string(100'000, 'a'));
  CHECK(d.capacity() <= 15);  // nothing kept after the frame
  CHECK(d.buffered() == 0);

  // A large frame, then the start of a small one in the same read: the
  // start is kept at its own size, not in the large frame's capacity.
  std::string both = a + b.substr(0, 3);
  REQUIRE(d.Feed(both).ok());
  REQUIRE(d.Next(&p));
  CHECK(p.size() == 100'000);
  CHECK(d.buffered() == 3);
  CHECK(d.capacity() <= 64);
  CHECK_FALSE(d.Next(&p));
  REQUIRE(d.Feed(b.substr(3)).ok());
  REQUIRE(d.Next(&p));
  CHECK(p == "bb");
  CHECK(d.capacity() <= 15);
}

TEST_CASE("the decoder refuses an oversized length received in place", "[wire]") {
  std::string stream;
  AppendFrame(std::string(101, 'a'), &stream);
  FrameDecoder d(100);
  char* at = d.Reserve(16);
  std::copy(stream.begin(), stream.begin() + 16, at);
  CHECK_FALSE(d.Commit(16).ok());
  std::string p;
  CHECK_FALSE(d.Next(&p));
  CHECK_FALSE(d.Feed("x").ok());  // stays failed
}

#include <catch2/catch.hpp>

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

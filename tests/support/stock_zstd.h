// The stock one-shot zstd decoder, nothing of ours: what any peer's zstd
// does with a frame the server sent (spliced, cached or plain).
#pragma once
#include <zstd.h>

#include <catch2/catch.hpp>
#include <optional>
#include <string>

namespace wardsync::test {

// The frame must declare its content size (REQUIREd, as every frame the
// server makes does); nullopt if it does not decode to exactly that size.
inline std::optional<std::string> StockZstdDecode(const std::string& z) {
  const unsigned long long n = ZSTD_getFrameContentSize(z.data(), z.size());
  REQUIRE(n != ZSTD_CONTENTSIZE_ERROR);
  REQUIRE(n != ZSTD_CONTENTSIZE_UNKNOWN);
  std::string out(static_cast<size_t>(n), '\0');
  const size_t got = ZSTD_decompress(out.data(), out.size(), z.data(), z.size());
  if (ZSTD_isError(got) || got != n) return std::nullopt;
  return out;
}

}  // namespace wardsync::test

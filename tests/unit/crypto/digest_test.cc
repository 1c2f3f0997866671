// common/crypto/digest.h: SHA-256 with a digest context reused per thread
// gives the standard digests, one after another and on several threads.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "common/crypto/digest.h"

using wardsync::crypto::Hex;
using wardsync::crypto::Sha256;

namespace {

// FIPS 180-2 test vectors.
const std::string kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string kTwoBlocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
const char* const kTwoBlocksText = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

}  // namespace

TEST_CASE("SHA-256 digests match the standard vectors, one after another and on many threads",
          "[unit][crypto][digest]") {
  for (int round = 0; round < 3; ++round) {
    CHECK(Hex(Sha256("")) == kEmpty);
    CHECK(Hex(Sha256("abc")) == kAbc);
    CHECK(Hex(Sha256(kTwoBlocksText)) == kTwoBlocks);
  }
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 200; ++i) {
        if (Hex(Sha256(i % 2 ? "abc" : kTwoBlocksText)) != (i % 2 ? kAbc : kTwoBlocks)) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong == std::vector<int>(4, 0));
}

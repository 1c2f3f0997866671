#include <catch2/catch.hpp>

#include "common/crypto/digest.h"
#include "common/enroll/enroll_code.h"

using namespace wardsync;
using wardsync::enroll::DecodeEnrollCode;
using wardsync::enroll::EncodeEnrollCode;
using wardsync::enroll::EnrollCode;

namespace {

EnrollCode Sample(std::string server) {
  return EnrollCode{crypto::RandomBytes(32), crypto::RandomBytes(16), std::move(server)};
}

const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

TEST_CASE("enrollment code round-trips with and without a server hint", "[net]") {
  for (std::string server : {"", "127.0.0.1:7443", "[::1]:7443", "sync.committee.example:443"}) {
    EnrollCode in = Sample(server);
    std::string text = EncodeEnrollCode(in);
    INFO(text);
    REQUIRE(text.rfind("WS1-", 0) == 0);
    CHECK(text.find_first_of("+/= \n") == std::string::npos);
    auto out = DecodeEnrollCode(text);
    INFO(out.status().message());
    REQUIRE(out.ok());
    CHECK(out->ca_fingerprint == in.ca_fingerprint);
    CHECK(out->secret == in.secret);
    CHECK(out->server == in.server);
    // Copy-paste noise is tolerated.
    std::string noisy = "  ws1-" + text.substr(4, 20) + "\n" + text.substr(24) + " \n";
    auto again = DecodeEnrollCode(noisy);
    REQUIRE(again.ok());
    CHECK(again->secret == in.secret);
  }
}

TEST_CASE("enrollment code detects any changed character", "[net]") {
  for (std::string server : {"", "10.0.0.1:7443", "ab:1"}) {  // body lengths hit every base64 remainder
    std::string text = EncodeEnrollCode(Sample(server));
    REQUIRE(!text.empty());
    for (size_t i = 4; i < text.size(); ++i) {
      std::string bad = text;
      bad[i] = kAlphabet[(kAlphabet.find(bad[i]) + 1 + i % 60) % kAlphabet.size()];
      REQUIRE(bad != text);
      auto r = DecodeEnrollCode(bad);
      INFO("position " << i << ": " << bad);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().message() == "enrollment code checksum does not match (typo?)");
    }
    // A dropped character is caught too.
    auto dropped = DecodeEnrollCode(text.substr(0, 20) + text.substr(21));
    CHECK_FALSE(dropped.ok());
  }
}

TEST_CASE("enrollment code refuses malformed input and other versions", "[net]") {
  std::string text = EncodeEnrollCode(Sample(""));
  CHECK(DecodeEnrollCode("").status().message() == "enrollment code is malformed");
  CHECK(DecodeEnrollCode("hello").status().message() == "enrollment code is malformed");
  CHECK(DecodeEnrollCode("WS1-").status().message() == "enrollment code is malformed");
  CHECK(DecodeEnrollCode("WS1-abc$def").status().message() == "enrollment code is malformed");
  CHECK(DecodeEnrollCode("XX1-" + text.substr(4)).status().message() == "enrollment code is malformed");
  CHECK(DecodeEnrollCode("WS2-" + text.substr(4)).status().message() == "unsupported enrollment code version");

  CHECK(EncodeEnrollCode(EnrollCode{"short", crypto::RandomBytes(16), ""}).empty());
  CHECK(EncodeEnrollCode(EnrollCode{crypto::RandomBytes(32), "short", ""}).empty());
  CHECK(EncodeEnrollCode(EnrollCode{crypto::RandomBytes(32), crypto::RandomBytes(16), "no port"}).empty());
}

TEST_CASE("device labels are bounded and valid UTF-8", "[unit][enroll]") {
  using wardsync::enroll::CheckDeviceLabel;
  using wardsync::enroll::kMaxDeviceLabelBytes;
  CHECK(CheckDeviceLabel("Nguyễn Văn An").ok());
  CHECK(CheckDeviceLabel(std::string(kMaxDeviceLabelBytes, 'a')).ok());
  CHECK_FALSE(CheckDeviceLabel(std::string(kMaxDeviceLabelBytes + 1, 'a')).ok());
  CHECK_FALSE(CheckDeviceLabel(std::string(7 << 20, 'a')).ok());
  CHECK_FALSE(CheckDeviceLabel("\xff\xfe").ok());
}

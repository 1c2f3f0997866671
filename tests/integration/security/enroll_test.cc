// Enrollment codes are single use and expire; a used, expired or unknown
// code is refused with a clear message and creates no device.
#include <catch2/catch.hpp>

#include "client/sync/sync_client.h"
#include "common/clock/clock.h"
#include "common/enroll/enroll_code.h"
#include "tests/support/eventually.h"
#include "tests/support/json.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

Result<client::EnrollResult> Redeem(ServerFixture& server, const std::string& code_text) {
  auto code = enroll::DecodeEnrollCode(code_text);
  REQUIRE(code.ok());
  auto key = crypto::PrivateKey::Generate();
  REQUIRE(key.ok());
  return client::Enroll("127.0.0.1", server.port(), code->ca_fingerprint, code->secret, *key, "test",
                        std::chrono::seconds(10));
}

size_t DeviceCount(ServerFixture& server) { return server.Dump({"dev/"}).size(); }

}  // namespace

TEST_CASE("enrollment codes: single use, expiring, unknown ones refused, nothing created", "[integration][security]") {
  ServerFixture server;
  const size_t devices = DeviceCount(server);  // the server's own signer may be one

  SECTION("a code works once") {
    const std::string code = server.EnrollCode(kWard);
    auto first = Redeem(server, code);
    REQUIRE(first.ok());
    CHECK(first->ward == kWard);
    REQUIRE(DeviceCount(server) == devices + 1);
    auto second = Redeem(server, code);
    REQUIRE_FALSE(second.ok());
    INFO(second.status().message());
    CHECK(second.status().message().find("used") != std::string::npos);
    CHECK(DeviceCount(server) == devices + 1);
  }
  SECTION("an expired code is refused") {
    // About a millisecond to live.
    auto r = server.Admin({"enroll", "--ward", kWard, "--role", "officer", "--ttl-hours", "0.0000003", "--server",
                           server.address(), "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = ParseJson(r.out);
    const auto expires = static_cast<uint64_t>(Num(At(doc, "expires_ms")));
    REQUIRE(Eventually([&] { return SystemClock().NowMs() > expires + 1; }));
    auto redeemed = Redeem(server, Str(At(doc, "code")));
    REQUIRE_FALSE(redeemed.ok());
    INFO(redeemed.status().message());
    CHECK(redeemed.status().message().find("expired") != std::string::npos);
    CHECK(DeviceCount(server) == devices);
  }
  SECTION("an unknown code (right CA, made-up secret) is refused") {
    auto code = enroll::DecodeEnrollCode(server.EnrollCode(kWard));
    REQUIRE(code.ok());
    code->secret = std::string(16, '\x42');
    auto redeemed = Redeem(server, enroll::EncodeEnrollCode(*code));
    REQUIRE_FALSE(redeemed.ok());
    INFO(redeemed.status().message());
    CHECK((redeemed.status().message().find("unknown") != std::string::npos ||
           redeemed.status().message().find("not valid") != std::string::npos));
    CHECK(DeviceCount(server) == devices);
  }
  SECTION("a bad --ttl-hours is refused") {
    auto r = server.Admin({"enroll", "--ward", kWard, "--role", "officer", "--ttl-hours", "-1"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("ttl-hours") != std::string::npos);
  }
}

// `revoke --drain` against a hostile holder of the device: what the drain
// takes is fixed at the device's first hello after the revocation, so the
// device cannot keep writing by pushing more later (server/ingest/drain.h).
#include <catch2/catch.hpp>

#include "tests/integration/core/raw_client.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {
const std::string kWard = "phuong-hoang-van-thu";
}

TEST_CASE("a draining device gets only what it claimed at its first hello, then is refused",
          "[integration][security][handover]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  auto cfg = dev.store().Config();
  REQUIRE(cfg.ok());
  auto r = server.Admin({"revoke", dev.device_id(), "--reason", "retired", "--drain"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(server.Device(dev.device_id()).drain());

  // First contact: it says it holds 2 change-sets; then pushes 4.
  auto raw = RawSession::Open(server.port(), cfg->ca_pem(), dev.device_id(), dev.key(), /*acked_seq=*/2);
  REQUIRE(raw.ok());
  REQUIRE((*raw)->reply().has_hello_reply());
  CHECK(server.Device(dev.device_id()).drain_until_seq() == 2);
  auto chain = MakeChain(dev.device_id(), dev.key(), kWard, 0, "", 4);
  auto pushed = (*raw)->Push(chain);
  REQUIRE(pushed.ok());
  CHECK(pushed->acked_seq == 2);
  REQUIRE(pushed->error.has_value());
  CHECK(pushed->error->code() == sync::REVOKED);
  CHECK(pushed->error->seq() == 3);
  CHECK(server.Device(dev.device_id()).last_seq() == 2);
  CHECK(server.Records().size() == 2);

  // Its next hello ends the drain: plainly revoked, a bigger claim changes nothing.
  auto again = RawSession::Open(server.port(), cfg->ca_pem(), dev.device_id(), dev.key(), /*acked_seq=*/100);
  REQUIRE(again.ok());
  REQUIRE((*again)->reply().has_error());
  CHECK((*again)->reply().error().code() == sync::REVOKED);
  const auto row = server.Device(dev.device_id());
  CHECK_FALSE(row.drain());
  CHECK(row.drain_until_seq() == 2);
  CHECK(server.Admin({"verify"}).exit_code == 0);
}

TEST_CASE("a draining device with nothing to push is plainly revoked at its first hello",
          "[integration][security][handover]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  auto cfg = dev.store().Config();
  REQUIRE(cfg.ok());
  REQUIRE(server.Admin({"revoke", dev.device_id(), "--reason", "retired", "--drain"}).exit_code == 0);
  auto raw = RawSession::Open(server.port(), cfg->ca_pem(), dev.device_id(), dev.key(), 0);
  REQUIRE(raw.ok());
  REQUIRE((*raw)->reply().has_error());
  CHECK((*raw)->reply().error().code() == sync::REVOKED);
  CHECK_FALSE(server.Device(dev.device_id()).drain());
}

// `revoke`: a lost or stolen device is shut out at once - its open
// connection is closed, its next sync and anything it pushes are refused -
// while what it signed before the revocation stays in the log and verifies.
#include <catch2/catch.hpp>

#include <future>

#include "server/ingest/group_committer.h"
#include "tests/integration/core/raw_client.h"
#include "tests/integration/security/hostile_conn.h"
#include "tests/support/device_fixture.h"
#include "tests/support/eventually.h"
#include "tests/support/json.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {
const std::string kWard = "phuong-hoang-van-thu";
}

TEST_CASE("revoke closes the device's open connection and refuses it from then on", "[integration][security]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  DeviceFixture bystander(server, kWard, "officer", "Phạm Thị Hoa");
  dev.New("voter-meeting", VoterMeeting(Candidate(0), 100, 80));
  dev.SyncOk();
  const auto signed_before = server.Device(dev.device_id());
  REQUIRE(signed_before.last_seq() == 1);

  // A connection that did its hello and now just waits.
  auto cfg = dev.store().Config();
  REQUIRE(cfg.ok());
  auto conn = HostileConn::Tls(server.port(), {cfg->ca_pem()});
  REQUIRE(conn.ok());
  REQUIRE((*conn)->SendHello(dev.device_id(), dev.key()).ok());
  auto reply = (*conn)->Read();
  REQUIRE(reply.ok());
  REQUIRE(reply->has_hello_reply());
  REQUIRE(Eventually([&] { return server.runtime().sync_server().open_connections() >= 1; }));

  auto r = server.Admin({"revoke", dev.device_id(), "--reason", "máy bị mất cắp"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("revoked device " + dev.device_id()) != std::string::npos);

  // The waiting connection is closed by the server, well before any timeout.
  const auto t0 = std::chrono::steady_clock::now();
  CHECK((*conn)->WaitClosed(std::chrono::seconds(5)).ok());
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));

  // Its next sync is refused, saying why.
  dev.New("voter-meeting", VoterMeeting(Candidate(1), 100, 80));
  auto sync = dev.Sync();
  REQUIRE_FALSE(sync.ok());
  CHECK(sync.status().message().find("revoked") != std::string::npos);
  CHECK(server.Device(dev.device_id()).last_seq() == 1);

  // A raw hello is refused with REVOKED.
  auto raw = RawSession::Open(server.port(), cfg->ca_pem(), dev.device_id(), dev.key(), 1);
  REQUIRE(raw.ok());
  REQUIRE((*raw)->reply().has_error());
  CHECK((*raw)->reply().error().code() == sync::REVOKED);

  // `devices` shows it; what it signed before still verifies.
  auto devices = server.Admin({"devices", "--json"});
  REQUIRE(devices.exit_code == 0);
  CHECK(devices.out.find("máy bị mất cắp") != std::string::npos);
  auto verify = server.Admin({"verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  CHECK(server.Records().size() == 1);

  // Others are not affected.
  bystander.New("voter-meeting", VoterMeeting(Candidate(2), 50, 40));
  bystander.SyncOk();
  CHECK(server.Records().size() == 2);

  // Revoking again is harmless; an unknown device is an error.
  auto again = server.Admin({"revoke", dev.device_id(), "--reason", "lần hai"});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("already revoked") != std::string::npos);
  auto unknown = server.Admin({"revoke", "ffffffffffffffff", "--reason", "x"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("unknown device") != std::string::npos);
  auto no_reason = server.Admin({"revoke", dev.device_id()});
  CHECK(no_reason.exit_code == 2);
}

TEST_CASE("ingest refuses a revoked device's change-sets even if they reach it", "[integration][security]") {
  // The hello check is one gate; ingest is the other (a push queued before
  // the revocation landed, or a future path that skips hello).
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  dev.New("voter-meeting", VoterMeeting());
  dev.SyncOk();
  const std::string hash = dev.State().last_hash();
  REQUIRE(server.Admin({"revoke", dev.device_id(), "--reason", "retired"}).exit_code == 0);
  const auto before = server.Dump();

  server::Submission sub;
  sub.device_id = dev.device_id();
  sub.change_sets = MakeChain(dev.device_id(), dev.key(), kWard, 1, hash, 1);
  std::promise<server::SubmissionResult> done;
  server.runtime().committer().RunExclusive([&](server::Ingestor& ing) { done.set_value(ing.CommitOne(sub)); });
  const server::SubmissionResult res = done.get_future().get();
  CHECK(res.error == sync::REVOKED);
  CHECK(res.accepted == 0);
  CHECK(res.message.find("revoked") != std::string::npos);
  CHECK(server.Dump() == before);
}

TEST_CASE("revoke works on a stopped server's data directory", "[integration][security]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  server.Stop();
  auto r = server.Admin({"revoke", dev.device_id(), "--reason", "offline revoke", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"revoked_reason\":\"offline revoke\"") != std::string::npos);
  server.Start();
  auto sync = dev.Sync();
  REQUIRE_FALSE(sync.ok());
  CHECK(sync.status().message().find("revoked") != std::string::npos);
}

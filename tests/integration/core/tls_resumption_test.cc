// TLS session resumption with stateful tickets (PROTOCOL.md, Transport):
// a device's next round resumes with the 32-byte id it holds; a restarted
// server knows no id, so the device makes a full handshake and still syncs;
// a resumed session proves nothing about the device, whose key is still
// checked. Real server in this process, real TLS on 127.0.0.1, real LevelDB.
#include <catch2/catch.hpp>

#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

// Captures one record, syncs, and checks the server got it.
client::SyncReport CaptureAndSync(ServerFixture& server, DeviceFixture& dev, int n) {
  const size_t before = server.Records().size();
  dev.New("voter-meeting", VoterMeeting(Candidate(0), 100 + n, 50 + n));
  client::SyncReport r = dev.SyncOk();
  CHECK(r.progress.pushed == 1);
  CHECK(server.Records().size() == before + 1);
  return r;
}

}  // namespace

TEST_CASE("a device resumes its TLS session; after a server restart it makes a full handshake and syncs",
          "[integration][tls]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  dev.SyncOk();  // holds a session from here on

  const std::string stored = *dev.store().TlsSession();
  CHECK(CaptureAndSync(server, dev, 1).tls_resumed);
  CHECK(CaptureAndSync(server, dev, 2).tls_resumed);
  // No new ticket on a resumed connection: the device keeps the session it had.
  CHECK(*dev.store().TlsSession() == stored);

  server.Restart();
  client::SyncReport after = CaptureAndSync(server, dev, 3);
  CHECK_FALSE(after.tls_resumed);
  CHECK(*dev.store().TlsSession() != stored);  // the new server's ticket
  CHECK(CaptureAndSync(server, dev, 4).tls_resumed);
}

TEST_CASE("a resumed TLS session does not stand for the device: a wrong key is refused", "[integration][tls]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  dev.SyncOk();
  CHECK(CaptureAndSync(server, dev, 1).tls_resumed);

  auto other = crypto::PrivateKey::Generate();
  REQUIRE(other.ok());
  const size_t before = server.Records().size();
  dev.New("voter-meeting", VoterMeeting(Candidate(0), 130, 70));
  auto refused = client::RunSync(dev.store(), *other, {});
  REQUIRE_FALSE(refused.ok());
  INFO(refused.status().message());
  CHECK(refused.status().code() == Status::Code::kUnauthenticated);
  CHECK(server.Records().size() == before);
  CHECK(dev.Pending() == 1);

  // The device's own key still syncs what was refused.
  client::SyncReport r = dev.SyncOk();
  CHECK(r.progress.pushed == 1);
  CHECK(server.Records().size() == before + 1);
}

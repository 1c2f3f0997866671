// TLS session resumption with stateful tickets (PROTOCOL.md, Transport):
// a device's next round resumes with the 32-byte id it holds; a restarted
// server knows no id, so the device makes a full handshake and still syncs;
// a resumed session stands for the device whose key was proven on it
// (common/net/proven_session.h) until that key changes. Real server in this process, real TLS on 127.0.0.1, real LevelDB.
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

// wardsync_hellos_proven_total{by="signature"|"session"} as the server counts it.
double Proven(ServerFixture& server, const std::string& by) {
  const std::string text = server.runtime().metrics().Scrape();
  const std::string series = "wardsync_hellos_proven_total{by=\"" + by + "\"} ";
  const size_t at = text.find(series);
  REQUIRE(at != std::string::npos);
  return std::stod(text.substr(at + series.size()));
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

TEST_CASE("a resumed TLS session stands for the device proven on it, until its key changes; any other hello is verified",
          "[integration][tls]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  dev.SyncOk();  // holds a session whose ticket was issued after its proof
  CHECK(Proven(server, "signature") >= 1);
  const double signed_before = Proven(server, "signature");
  const double resumed_before = Proven(server, "session");

  CHECK(CaptureAndSync(server, dev, 1).tls_resumed);
  CHECK(Proven(server, "signature") == signed_before);  // no second Ed25519 verification
  CHECK(Proven(server, "session") == resumed_before + 1);

  SECTION("another device's hello on this session is verified: a wrong key is refused, its own key syncs") {
    DeviceFixture other(server, kWard);
    other.SyncOk();
    const double signatures = Proven(server, "signature");
    REQUIRE(other.store().SaveTlsSession(*dev.store().TlsSession()).ok());  // dev's session, other's identity

    auto wrong = crypto::PrivateKey::Generate();
    REQUIRE(wrong.ok());
    const size_t before = server.Records().size();
    other.New("voter-meeting", VoterMeeting(Candidate(0), 130, 70));
    auto refused = client::RunSync(other.store(), *wrong, {});
    REQUIRE_FALSE(refused.ok());
    INFO(refused.status().message());
    CHECK(refused.status().code() == Status::Code::kUnauthenticated);
    CHECK(server.Records().size() == before);
    CHECK(other.Pending() == 1);

    REQUIRE(other.store().SaveTlsSession(*dev.store().TlsSession()).ok());
    client::SyncReport r = other.SyncOk();
    CHECK(r.tls_resumed);
    CHECK(r.progress.pushed == 1);
    CHECK(server.Records().size() == before + 1);
    CHECK(Proven(server, "signature") == signatures + 1);
  }

  SECTION("after a key rotation the next hello is verified again, and later ones resume on the new proof") {
    REQUIRE(dev.RotateKey().ok());
    dev.SyncOk();  // sends the rotation; this hello is proven by the session (the old key was current)
    const double signatures = Proven(server, "signature");
    CaptureAndSync(server, dev, 2);  // the server's latest key is the new one: verified
    CHECK(Proven(server, "signature") == signatures + 1);
    const double sessions = Proven(server, "session");
    CHECK(CaptureAndSync(server, dev, 3).tls_resumed);
    CHECK(Proven(server, "session") == sessions + 1);
    CHECK(Proven(server, "signature") == signatures + 1);
  }
}

// Hostile transport: TLS 1.3 only, pinned CA and host name, and whatever a
// broken or malicious peer sends (garbage, cut frames, absurd protobuf,
// nothing at all, too much) ends that connection only - the server logs it
// and keeps serving everyone else (proved by a normal sync afterwards).
#include <catch2/catch.hpp>

#include <thread>

#include "common/crypto/pki.h"
#include "common/wire/framing.h"
#include "tests/integration/security/hostile_conn.h"
#include "tests/support/device_fixture.h"
#include "tests/support/eventually.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;
using namespace std::chrono_literals;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

ServerFixtureOptions SmallLimits() {
  ServerFixtureOptions o;
  o.limits.handshake_timeout = 1000ms;
  o.limits.idle_timeout = 1200ms;
  o.limits.read_timeout = 2000ms;
  o.limits.max_frame_bytes = 64 * 1024;
  o.limits.max_connections_per_device = 2;
  o.limits.max_connections = 8;
  return o;
}

std::string CaPem(DeviceFixture& dev) {
  auto cfg = dev.store().Config();
  REQUIRE(cfg.ok());
  return cfg->ca_pem();
}

// The server still serves: a real sync with a new record goes through.
void CheckStillServes(ServerFixture& server, DeviceFixture& dev) {
  const size_t before = server.Records().size();
  dev.New("voter-meeting", VoterMeeting(Candidate(0), 100, 60));
  dev.SyncOk();
  CHECK(server.Records().size() == before + 1);
}

std::unique_ptr<HostileConn> TlsTo(ServerFixture& server, const std::string& ca_pem) {
  auto c = HostileConn::Tls(server.port(), {ca_pem});
  if (!c.ok()) FAIL("tls: " << c.status().message());
  return std::move(c).value();
}

}  // namespace

TEST_CASE("TLS: only 1.3, only the pinned CA, only the right host name", "[integration][security]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  const std::string ca = CaPem(dev);

  SECTION("a client offering only TLS 1.2 is refused by the server") {
    auto c = HostileConn::Tls(server.port(), {ca, "127.0.0.1", /*tls12_only=*/true});
    REQUIRE_FALSE(c.ok());
    INFO(c.status().message());
  }
  SECTION("a client pinning another CA refuses the server before sending anything") {
    auto other_key = crypto::PrivateKey::Generate();
    REQUIRE(other_key.ok());
    auto other_ca = crypto::MakeCaCertificate(*other_key, "Another committee", 1);
    REQUIRE(other_ca.ok());
    auto c = HostileConn::Tls(server.port(), {*other_ca});
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().code() == Status::Code::kUnauthenticated);
  }
  SECTION("a server certificate for another host name is refused") {
    auto c = HostileConn::Tls(server.port(), {ca, "sync.other-committee.example"});
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().code() == Status::Code::kUnauthenticated);
  }
  SECTION("the right CA and name get in (the probes above are not broken)") {
    auto c = HostileConn::Tls(server.port(), {ca});
    REQUIRE(c.ok());
    REQUIRE((*c)->SendHello(dev.device_id(), dev.key()).ok());
    auto r = (*c)->Read();
    REQUIRE(r.ok());
    CHECK(r->has_hello_reply());
  }
  CheckStillServes(server, dev);
}

TEST_CASE("garbage, cut frames and absurd protobuf close the connection, not the server", "[integration][security]") {
  ServerFixture server(SmallLimits());
  DeviceFixture dev(server, kWard);
  const std::string ca = CaPem(dev);
  std::string log;

  SECTION("garbage instead of a TLS handshake") {
    log = CaptureStderr([&] {
      auto c = HostileConn::Tcp(server.port());
      REQUIRE(c.ok());
      REQUIRE((*c)->Send(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n") + std::string(3000, '\xff')).ok());
      CHECK((*c)->WaitClosed(5s).ok());
    });
    CHECK(log.find("TLS handshake failed") != std::string::npos);
  }
  SECTION("a frame that is not protobuf") {
    log = CaptureStderr([&] {
      auto c = TlsTo(server, ca);
      std::string out;
      wire::AppendFrame(std::string("\xff\xff\xff\xff\x0f not a frame", 16), &out);
      REQUIRE(c->Send(out).ok());
      CHECK(c->WaitClosed(5s).ok());
    });
    CHECK(log.find("no hello") != std::string::npos);
  }
  SECTION("a truncated frame (length says 1000, 10 bytes come, then EOF)") {
    log = CaptureStderr([&] {
      auto c = TlsTo(server, ca);
      REQUIRE(c->Send(std::string("\x00\x00\x03\xe8", 4) + std::string(10, 'a')).ok());
      c->tls().lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_send);
      CHECK(c->WaitClosed(5s).ok());
    });
    CHECK(log.find("refused") != std::string::npos);
  }
  SECTION("a zero length frame") {
    auto c = TlsTo(server, ca);
    REQUIRE(c->Send(std::string(4, '\0')).ok());
    CHECK(c->WaitClosed(5s).ok());
  }
  SECTION("a frame over the maximum size is refused from its length alone") {
    auto c = TlsTo(server, ca);
    REQUIRE(c->SendHello(dev.device_id(), dev.key()).ok());
    REQUIRE(c->Read().ok());
    // Announces 1 MiB (limit 64 KiB) and sends a little of it: closed at once.
    REQUIRE(c->Send(std::string("\x00\x10\x00\x00", 4) + std::string(1000, 'z')).ok());
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(c->WaitClosed(5s).ok());
    CHECK(std::chrono::steady_clock::now() - t0 < 1000ms);  // not waiting for the idle timeout
  }
  SECTION("valid protobuf with absurd contents after hello") {
    auto c = TlsTo(server, ca);
    REQUIRE(c->SendHello(dev.device_id(), dev.key()).ok());
    REQUIRE(c->Read().ok());
    sync::Frame f;
    auto* push = f.mutable_push();
    // Thousands of empty change-sets: every one is refused, none stored.
    for (int i = 0; i < 5000; ++i) push->add_change_sets()->set_body(std::string(1, char(i)));
    REQUIRE(c->SendFrame(f).ok());
    bool refused = false;
    for (int i = 0; i < 3 && !refused; ++i) {
      auto r = c->Read();
      if (!r.ok()) break;
      if (r->has_error()) refused = true;
    }
    CHECK(refused);
  }
  SECTION("unknown enum values and a pull asking for 2^32-1 records") {
    auto c = TlsTo(server, ca);
    REQUIRE(c->SendHello(dev.device_id(), dev.key()).ok());
    REQUIRE(c->Read().ok());
    sync::Frame err;
    err.mutable_error()->set_code(static_cast<sync::ErrorCode>(123456));  // a client does not send errors
    sync::Frame pull;
    pull.mutable_pull_request()->set_max_records(0xffffffffu);
    pull.mutable_pull_request()->set_cursor(~0ull);
    REQUIRE(c->SendFrame(pull).ok());
    auto r = c->Read();
    REQUIRE(r.ok());
    CHECK(r->has_pull_batch());  // bounded by the server, not by the ask
    REQUIRE(c->SendFrame(err).ok());
    CHECK(c->WaitClosed(5s).ok());
  }
  SECTION("a hello for an unknown device, and a hello that is not one") {
    auto c = TlsTo(server, ca);
    REQUIRE(c->SendHello("nonexistent-device", dev.key()).ok());
    auto r = c->Read();
    REQUIRE(r.ok());
    REQUIRE(r->has_error());
    CHECK(r->error().code() == sync::AUTH_FAILED);
    auto c2 = TlsTo(server, ca);
    sync::Frame bye;
    bye.mutable_bye();
    REQUIRE(c2->SendFrame(bye).ok());
    auto r2 = c2->Read();
    REQUIRE(r2.ok());
    REQUIRE(r2->has_error());
    CHECK(r2->error().code() == sync::PROTOCOL_ORDER);
  }
  CheckStillServes(server, dev);
  CHECK(Eventually([&] { return server.runtime().sync_server().open_connections() == 0; }));
}

TEST_CASE("slow clients are dropped at the handshake and idle timeouts", "[integration][security]") {
  ServerFixture server(SmallLimits());
  DeviceFixture dev(server, kWard);
  const std::string ca = CaPem(dev);

  SECTION("TCP connect, then nothing (no TLS)") {
    auto c = HostileConn::Tcp(server.port());
    REQUIRE(c.ok());
    const auto t0 = std::chrono::steady_clock::now();
    CHECK((*c)->WaitClosed(5s).ok());
    CHECK(std::chrono::steady_clock::now() - t0 >= 900ms);
  }
  SECTION("TLS handshake, then no hello") {
    auto c = TlsTo(server, ca);
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(c->WaitClosed(5s).ok());
    CHECK(std::chrono::steady_clock::now() - t0 >= 800ms);  // the handshake took part of the 1 s
  }
  SECTION("hello, then half a frame, then nothing") {
    auto c = TlsTo(server, ca);
    REQUIRE(c->SendHello(dev.device_id(), dev.key()).ok());
    REQUIRE(c->Read().ok());
    REQUIRE(c->Send(std::string("\x00\x00\x01\x00", 4) + "abc").ok());
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(c->WaitClosed(5s).ok());
    CHECK(std::chrono::steady_clock::now() - t0 >= 1900ms);  // the started frame's 2 s read timeout
  }
  SECTION("hello, then a frame dripped a byte every 300 ms (slow loris)") {
    // Each byte comes well within the 1.2 s idle timeout; only the read
    // timeout (2 s for a whole frame once it has started) can end this.
    auto c = TlsTo(server, ca);
    REQUIRE(c->SendHello(dev.device_id(), dev.key()).ok());
    REQUIRE(c->Read().ok());
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(c->Send(std::string("\x00\x00\x01\x00", 4)).ok());
    bool dropped = false;
    for (int i = 0; i < 40 && !dropped; ++i) {  // 12 s of dripping at most
      std::this_thread::sleep_for(300ms);       // the attacker's pace, not a synchronisation
      dropped = !c->Send("a").ok();
    }
    REQUIRE(dropped);
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took >= 1900ms);
    CHECK(took < 6s);
  }
  CheckStillServes(server, dev);
}

TEST_CASE("connection limits: per device and in total", "[integration][security]") {
  // Timeouts long enough that held connections are not dropped by them.
  auto options = SmallLimits();
  options.limits.handshake_timeout = 10'000ms;
  options.limits.idle_timeout = 10'000ms;
  ServerFixture server(options);
  DeviceFixture dev(server, kWard);
  DeviceFixture other(server, kWard, "officer", "Đỗ Minh Tâm");
  const std::string ca = CaPem(dev);

  SECTION("a third connection of one device is refused") {
    std::vector<std::unique_ptr<HostileConn>> held;
    for (int i = 0; i < 2; ++i) {
      held.push_back(TlsTo(server, ca));
      REQUIRE(held.back()->SendHello(dev.device_id(), dev.key()).ok());
      auto r = held.back()->Read();
      REQUIRE(r.ok());
      REQUIRE(r->has_hello_reply());
    }
    auto third = TlsTo(server, ca);
    REQUIRE(third->SendHello(dev.device_id(), dev.key()).ok());
    auto r = third->Read();
    REQUIRE(r.ok());
    REQUIRE(r->has_error());
    CHECK(r->error().code() == sync::LIMIT_EXCEEDED);
    // Another device is not affected.
    CheckStillServes(server, other);
  }
  SECTION("past the total limit new connections are closed; freed slots serve again") {
    std::vector<std::unique_ptr<HostileConn>> held;
    for (int i = 0; i < 8; ++i) {
      auto c = HostileConn::Tcp(server.port());
      REQUIRE(c.ok());
      held.push_back(std::move(c).value());
    }
    REQUIRE(Eventually([&] { return server.runtime().sync_server().open_connections() == 8; }));
    auto extra = HostileConn::Tcp(server.port());
    REQUIRE(extra.ok());
    const auto t0 = std::chrono::steady_clock::now();
    CHECK((*extra)->WaitClosed(5s).ok());
    CHECK(std::chrono::steady_clock::now() - t0 < 2000ms);  // closed at accept, not by a 10 s timeout
    held.clear();
    REQUIRE(Eventually([&] { return server.runtime().sync_server().open_connections() == 0; }));
    CheckStillServes(server, other);
  }
}

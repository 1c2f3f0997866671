#include <catch2/catch.hpp>

#include <openssl/ssl.h>

#include "common/crypto/digest.h"
#include "tests/unit/net/net_test_util.h"

using namespace wardsync;
using namespace wardsync::nettest;

namespace {

// The client body: reads the server's frame (which also delivers the TLS 1.3
// session ticket), records exporter, reuse flag and session.
struct ClientView {
  std::string exporter;
  std::string session;
  bool reused = false;
  Status read = Status::Internal("not run");
};

PairSpec TalkingPair(asio::ssl::context& server_ctx, asio::ssl::context& client_ctx, std::string* server_exporter,
                     ClientView* client) {
  PairSpec spec;
  spec.server_ctx = &server_ctx;
  spec.client_ctx = &client_ctx;
  spec.server_body = [server_exporter](net::TlsStream& s) -> asio::awaitable<void> {
    *server_exporter = net::ExportAuthBinding(s.native_handle());
    net::FramedStream fs(s);
    Status st1 = co_await fs.Write(PushAckFrame(7), kTimeout);
    CHECK(st1.ok());
    auto end = co_await fs.Read(kTimeout);  // waits for the client to close
    CHECK_FALSE(end.ok());
  };
  spec.client_body = [client](net::TlsStream& s) -> asio::awaitable<void> {
    client->exporter = net::ExportAuthBinding(s.native_handle());
    client->reused = SSL_session_reused(s.native_handle()) == 1;
    net::FramedStream fs(s);
    auto frame = co_await fs.Read(kTimeout);
    client->read = frame.ok() ? Status::Ok() : frame.status();
    client->session = net::SaveSession(s.native_handle());
    co_await net::TlsShutdown(s, kTimeout);
  };
  return spec;
}

}  // namespace

TEST_CASE("TLS handshake succeeds with the committee CA for a DNS name and an IP", "[net]") {
  TestPki pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto client_ctx = ClientContext(pki.ca_pem);
  for (std::string host : {"localhost", "127.0.0.1"}) {
    std::string server_exporter;
    ClientView client;
    PairSpec spec = TalkingPair(*server_ctx, *client_ctx, &server_exporter, &client);
    spec.client_setup = [host](SSL* ssl) { REQUIRE(net::SetExpectedHost(ssl, host).ok()); };
    PairResult r = RunPair(spec);
    INFO(host << ": " << r.client_handshake.message() << " / " << r.server_handshake.message());
    CHECK(r.client_handshake.ok());
    CHECK(r.server_handshake.ok());
    CHECK(client.read.ok());
  }
}

TEST_CASE("TLS handshake is refused when the client pins another CA", "[net]") {
  TestPki pki = MakeTestPki();
  TestPki other = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto client_ctx = ClientContext(other.ca_pem);
  PairSpec spec;
  spec.server_ctx = server_ctx.get();
  spec.client_ctx = client_ctx.get();
  PairResult r = RunPair(spec);
  CHECK(r.client_handshake.code() == Status::Code::kUnauthenticated);
  CHECK_THAT(r.client_handshake.message(), Catch::Contains("not accepted"));
  CHECK_FALSE(r.server_handshake.ok());
}

TEST_CASE("TLS handshake is refused for a name the certificate does not carry", "[net]") {
  TestPki pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto client_ctx = ClientContext(pki.ca_pem);
  for (std::string host : {"example.org", "10.0.0.1", "::2"}) {
    PairSpec spec;
    spec.server_ctx = server_ctx.get();
    spec.client_ctx = client_ctx.get();
    spec.client_setup = [host](SSL* ssl) { REQUIRE(net::SetExpectedHost(ssl, host).ok()); };
    PairResult r = RunPair(spec);
    INFO(host << ": " << r.client_handshake.message());
    CHECK(r.client_handshake.code() == Status::Code::kUnauthenticated);
    CHECK_THAT(r.client_handshake.message(), Catch::Contains("mismatch"));
    CHECK_FALSE(r.server_handshake.ok());
  }
}

TEST_CASE("a TLS 1.2-only client is refused", "[net]") {
  TestPki pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  asio::ssl::context old_client(asio::ssl::context::tls_client);
  REQUIRE(SSL_CTX_set_max_proto_version(old_client.native_handle(), TLS1_2_VERSION) == 1);
  old_client.set_verify_mode(asio::ssl::verify_none);
  PairSpec spec;
  spec.server_ctx = server_ctx.get();
  spec.client_ctx = &old_client;
  PairResult r = RunPair(spec);
  CHECK_FALSE(r.client_handshake.ok());
  CHECK_FALSE(r.server_handshake.ok());
  CHECK_THAT(r.server_handshake.message(), Catch::Contains("protocol"));
}

TEST_CASE("exporter is equal on both ends and differs across connections", "[net]") {
  TestPki pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto client_ctx = ClientContext(pki.ca_pem);
  std::vector<std::string> seen;
  for (int i = 0; i < 2; ++i) {
    std::string server_exporter;
    ClientView client;
    PairResult r = RunPair(TalkingPair(*server_ctx, *client_ctx, &server_exporter, &client));
    REQUIRE(r.client_handshake.ok());
    CHECK(client.exporter.size() == net::kAuthBindingBytes);
    CHECK(client.exporter == server_exporter);
    seen.push_back(client.exporter);
  }
  CHECK(seen[0] != seen[1]);
}

TEST_CASE("a saved TLS session resumes on the next connection", "[net]") {
  TestPki pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto client_ctx = ClientContext(pki.ca_pem);

  std::string server_exporter;
  ClientView first;
  REQUIRE(RunPair(TalkingPair(*server_ctx, *client_ctx, &server_exporter, &first)).client_handshake.ok());
  REQUIRE(first.read.ok());
  CHECK_FALSE(first.reused);
  REQUIRE_FALSE(first.session.empty());

  ClientView second;
  PairSpec spec = TalkingPair(*server_ctx, *client_ctx, &server_exporter, &second);
  spec.client_setup = [&](SSL* ssl) {
    REQUIRE(net::SetExpectedHost(ssl, "localhost").ok());
    REQUIRE(net::RestoreSession(ssl, first.session));
  };
  PairResult r = RunPair(spec);
  REQUIRE(r.client_handshake.ok());
  CHECK(second.reused);
  CHECK(second.exporter == server_exporter);
  CHECK(second.exporter != first.exporter);

  CHECK_FALSE(net::RestoreSession(nullptr, ""));
  SSL* ssl = SSL_new(client_ctx->native_handle());
  CHECK_FALSE(net::RestoreSession(ssl, "not a session"));
  SSL_free(ssl);
}

TEST_CASE("VerifyPinnedChain accepts the pinned CA and refuses any other", "[net]") {
  TestPki pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto enroll_ctx = net::MakeEnrollTlsContext();
  REQUIRE(enroll_ctx.ok());
  auto right_pin = crypto::CertificateFingerprint(pki.ca_pem);
  REQUIRE(right_pin.ok());
  auto leaf_pin = crypto::CertificateFingerprint(pki.server_pem);
  REQUIRE(leaf_pin.ok());

  struct Case {
    std::string pin;
    std::string host;
    bool ok;
  };
  std::vector<Case> cases = {{*right_pin, "localhost", true},
                             {*right_pin, "127.0.0.1", true},
                             {crypto::Sha256("another CA"), "localhost", false},
                             {*leaf_pin, "localhost", false},
                             {*right_pin, "example.org", false},
                             {right_pin->substr(0, 31), "localhost", false}};
  for (const Case& c : cases) {
    Result<std::string> got = Status::Internal("not run");
    PairSpec spec;
    spec.server_ctx = server_ctx.get();
    spec.client_ctx = enroll_ctx->get();
    spec.client_setup = nullptr;
    spec.client_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
      got = net::VerifyPinnedChain(s.native_handle(), c.pin, c.host);
      co_await net::TlsShutdown(s, kTimeout);
    };
    REQUIRE(RunPair(spec).client_handshake.ok());
    INFO(c.host << " ok=" << c.ok << ": " << got.status().message());
    REQUIRE(got.ok() == c.ok);
    if (c.ok) CHECK(*got == pki.ca_pem);
  }
}

TEST_CASE("the first flight is compressed only when both ends agreed in the handshake", "[net][zstd]") {
  TestPki pki = MakeTestPki();
  auto plain_server = ServerContext(pki);  // a server that predates ALPN ws-zstd
  auto made = net::MakeServerTlsContext(pki.chain_pem, pki.server_key, /*zstd_first_flight=*/true);
  REQUIRE(made.ok());
  auto zstd_server = *made;
  auto client_ctx = ClientContext(pki.ca_pem);
  struct Case {
    asio::ssl::context* server;
    bool offer;
    bool agreed;
  } cases[] = {{zstd_server.get(), true, true},
               {zstd_server.get(), false, false},
               {plain_server.get(), true, false},
               {plain_server.get(), false, false}};
  for (const auto& c : cases) {
    bool server_saw = !c.agreed, client_saw = !c.agreed;
    PairSpec spec;
    spec.server_ctx = c.server;
    spec.client_ctx = client_ctx.get();
    spec.client_setup = [&c](SSL* ssl) {
      REQUIRE(net::SetExpectedHost(ssl, "localhost").ok());
      if (c.offer) REQUIRE(net::OfferZstdFirstFlight(ssl).ok());
    };
    spec.server_body = [&server_saw](net::TlsStream& s) -> asio::awaitable<void> {
      server_saw = net::ZstdFirstFlightAgreed(s.native_handle());
      co_return;
    };
    spec.client_body = [&client_saw](net::TlsStream& s) -> asio::awaitable<void> {
      client_saw = net::ZstdFirstFlightAgreed(s.native_handle());
      co_return;
    };
    INFO("offered " << c.offer << ", server takes it " << (c.server == zstd_server.get()));
    PairResult r = RunPair(spec);
    REQUIRE(r.server_handshake.ok());
    REQUIRE(r.client_handshake.ok());
    CHECK(server_saw == c.agreed);
    CHECK(client_saw == c.agreed);
  }
}

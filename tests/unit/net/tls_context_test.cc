#include <catch2/catch.hpp>

#include <openssl/ssl.h>

#include <optional>

#include "common/crypto/digest.h"
#include "common/net/proven_session.h"
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

// What the server does once a hello's proof verified (server/net/session.cc):
// the session names the device, and its ticket goes out with the next write.
const std::string kProvenDevice = "device-under-test";

// `resumed_as`: the device the server found in a resumed session (nullopt:
// none). `issue_ticket`: act as after a verified proof.
PairSpec TalkingPair(asio::ssl::context& server_ctx, asio::ssl::context& client_ctx, std::string* server_exporter,
                     ClientView* client, std::optional<net::ProvenDevice>* resumed_as = nullptr,
                     bool issue_ticket = true) {
  PairSpec spec;
  spec.server_ctx = &server_ctx;
  spec.client_ctx = &client_ctx;
  spec.server_body = [server_exporter, resumed_as, issue_ticket](net::TlsStream& s) -> asio::awaitable<void> {
    *server_exporter = net::ExportAuthBinding(s.native_handle());
    const auto proven = net::ResumedProvenDevice(s.native_handle());
    if (resumed_as) *resumed_as = proven;
    if (!proven && issue_ticket) CHECK(net::IssueProvenTicket(s.native_handle(), kProvenDevice, 1));
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

namespace {

// The ticket a saved session carries ("" if none or not a session).
std::string TicketOf(const std::string& der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  SSL_SESSION* s = d2i_SSL_SESSION(nullptr, &p, static_cast<long>(der.size()));
  if (!s) return {};
  const unsigned char* tick = nullptr;
  size_t len = 0;
  SSL_SESSION_get0_ticket(s, &tick, &len);
  std::string out(reinterpret_cast<const char*>(tick), len);
  SSL_SESSION_free(s);
  return out;
}

// One connection of `client_ctx` to `server_ctx`, offering `saved` if not "".
ClientView Connect(asio::ssl::context& server_ctx, asio::ssl::context& client_ctx, const std::string& saved,
                   std::string* suite = nullptr, std::optional<net::ProvenDevice>* resumed_as = nullptr,
                   bool issue_ticket = true) {
  std::string server_exporter;
  ClientView view;
  PairSpec spec = TalkingPair(server_ctx, client_ctx, &server_exporter, &view, resumed_as, issue_ticket);
  spec.client_setup = [&](SSL* ssl) {
    REQUIRE(net::SetExpectedHost(ssl, "localhost").ok());
    if (!saved.empty()) REQUIRE(net::RestoreSession(ssl, saved));
  };
  if (suite) {
    auto body = spec.client_body;
    spec.client_body = [body, suite](net::TlsStream& s) -> asio::awaitable<void> {
      *suite = SSL_CIPHER_get_name(SSL_get_current_cipher(s.native_handle()));
      co_await body(s);
    };
  }
  PairResult r = RunPair(spec);
  REQUIRE(r.client_handshake.ok());
  REQUIRE(r.server_handshake.ok());
  REQUIRE(view.read.ok());
  return view;
}

}  // namespace

// Stateful tickets (bench S3): the device holds a 32-byte id instead of a
// ~200-byte encrypted session; the session stays in the server's bounded
// cache, even though the server never sends close_notify (OpenSSL would
// otherwise drop it when the connection is freed).
TEST_CASE("server tickets are 32-byte ids of cached sessions, reused without a new ticket", "[net]") {
  TestPki pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto client_ctx = ClientContext(pki.ca_pem);
  SSL_CTX* cache = server_ctx->native_handle();
  CHECK(SSL_CTX_get_max_early_data(cache) == 0);  // ids may be used again: no early data to replay
  CHECK(SSL_CTX_get_timeout(cache) == 7200);       // a session lives 2 h, as the stateless tickets did

  std::string suite;
  ClientView first = Connect(*server_ctx, *client_ctx, "", &suite);
  CHECK_FALSE(first.reused);
  // A SHA-256 suite (32-byte Finished and binder), with a 256-bit key.
  CHECK(suite == "TLS_CHACHA20_POLY1305_SHA256");
  const std::string ticket = TicketOf(first.session);
  CHECK(ticket.size() == 32);
  CHECK(SSL_CTX_sess_number(cache) == 1);

  // Resumed twice with the saved session. No new ticket is sent: the
  // client then has nothing new to save (OpenSSL marks a TLS 1.3 session
  // it resumed as used, so SaveSession gives ""; the device keeps the one it
  // stored, sync_client.cc), and the cache still holds one session.
  for (int i = 0; i < 2; ++i) {
    std::optional<net::ProvenDevice> resumed_as;
    ClientView again = Connect(*server_ctx, *client_ctx, first.session, nullptr, &resumed_as);
    CHECK(again.reused);
    // The session names the device proven on the first connection.
    REQUIRE(resumed_as.has_value());
    CHECK(resumed_as->device_id == kProvenDevice);
    CHECK(resumed_as->key_epoch == 1);
    CHECK(again.exporter != first.exporter);
    CHECK(again.session.empty());
  }
  CHECK(SSL_CTX_sess_number(cache) == 1);
  CHECK(SSL_CTX_sess_hits(cache) == 2);
  const std::string saved = first.session;

  SECTION("a connection whose device proved nothing gets no ticket and leaves no session") {
    std::optional<net::ProvenDevice> resumed_as;
    ClientView unproven = Connect(*server_ctx, *client_ctx, "", nullptr, &resumed_as, /*issue_ticket=*/false);
    CHECK_FALSE(unproven.reused);
    CHECK_FALSE(resumed_as.has_value());
    CHECK(unproven.session.empty());
    CHECK(SSL_CTX_sess_number(cache) == 1);  // still only the proven one
  }
  SECTION("a restarted server knows no id: a full handshake and a new ticket, which resumes") {
    auto restarted = ServerContext(pki);
    ClientView after = Connect(*restarted, *client_ctx, saved);
    CHECK_FALSE(after.reused);
    const std::string fresh = TicketOf(after.session);
    CHECK(fresh.size() == 32);
    CHECK(fresh != ticket);
    CHECK(Connect(*restarted, *client_ctx, after.session).reused);
  }
  SECTION("a session of a connection ended by a fatal alert is dropped") {
    // The client sends garbage as a record after a resumed handshake: the
    // server answers with a fatal alert, and OpenSSL drops the session.
    std::string server_exporter;
    ClientView view;
    PairSpec spec = TalkingPair(*server_ctx, *client_ctx, &server_exporter, &view);
    spec.client_setup = [&](SSL* ssl) {
      REQUIRE(net::SetExpectedHost(ssl, "localhost").ok());
      REQUIRE(net::RestoreSession(ssl, saved));
    };
    spec.server_body = [](net::TlsStream& s) -> asio::awaitable<void> {
      net::FramedStream fs(s);
      auto got = co_await fs.Read(kTimeout);
      CHECK_FALSE(got.ok());
    };
    spec.client_body = [](net::TlsStream& s) -> asio::awaitable<void> {
      // An application-data record of 32 bytes that does not decrypt.
      std::string junk = {0x17, 0x03, 0x03, 0x00, 0x20};
      junk.append(32, '\x5a');
      std::error_code ec;
      co_await asio::async_write(s.lowest_layer(), asio::buffer(junk), asio::redirect_error(asio::use_awaitable, ec));
      CHECK_FALSE(ec);
      net::FramedStream fs(s);
      auto got = co_await fs.Read(kTimeout);  // the alert, then the close
      CHECK_FALSE(got.ok());
    };
    PairResult r = RunPair(spec);
    REQUIRE(r.client_handshake.ok());
    CHECK(SSL_CTX_sess_number(cache) == 0);
    CHECK_FALSE(Connect(*server_ctx, *client_ctx, saved).reused);
  }
}

// Older peers (PROTOCOL.md, Transport): a device holding a stateless
// ticket from a server before stateful tickets makes one full handshake; a
// client in OpenSSL's own suite order (AES-256-GCM-SHA384 first) still
// agrees on a suite and resumes.
TEST_CASE("a stateless ticket of an older server and OpenSSL's own suite order still work", "[net]") {
  TestPki pki = MakeTestPki();
  auto server_ctx = ServerContext(pki);
  auto client_ctx = ClientContext(pki.ca_pem);

  auto older = ServerContext(pki);  // as servers were: stateless tickets, no cache
  SSL_CTX_clear_options(older->native_handle(), SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(older->native_handle(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_info_callback(older->native_handle(), nullptr);
  ClientView old_session = Connect(*older, *client_ctx, "");
  REQUIRE(TicketOf(old_session.session).size() > 100);  // an encrypted session, not an id

  ClientView upgraded = Connect(*server_ctx, *client_ctx, old_session.session);
  CHECK_FALSE(upgraded.reused);
  CHECK(TicketOf(upgraded.session).size() == 32);
  CHECK(Connect(*server_ctx, *client_ctx, upgraded.session).reused);

  auto openssl_order = ClientContext(pki.ca_pem);
  REQUIRE(SSL_CTX_set_ciphersuites(openssl_order->native_handle(),
                                   "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256") == 1);
  std::string suite;
  ClientView other = Connect(*server_ctx, *openssl_order, "", &suite);
  CHECK(suite == "TLS_AES_256_GCM_SHA384");
  CHECK(Connect(*server_ctx, *openssl_order, other.session).reused);
}

TEST_CASE("the server's session cache is bounded: the oldest session goes first", "[net]") {
  TestPki pki = MakeTestPki();
  constexpr size_t kBound = 3;
  auto made = net::MakeServerTlsContext(pki.chain_pem, pki.server_key, false, kBound);
  REQUIRE(made.ok());
  auto server_ctx = *made;
  auto client_ctx = ClientContext(pki.ca_pem);
  std::vector<std::string> sessions;
  for (size_t i = 0; i < kBound + 2; ++i) {
    sessions.push_back(Connect(*server_ctx, *client_ctx, "").session);
    CHECK(SSL_CTX_sess_number(server_ctx->native_handle()) <= static_cast<long>(kBound));
  }
  CHECK_FALSE(Connect(*server_ctx, *client_ctx, sessions[0]).reused);  // dropped: a full handshake
  CHECK(Connect(*server_ctx, *client_ctx, sessions.back()).reused);
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

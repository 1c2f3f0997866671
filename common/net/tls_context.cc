#include "common/net/tls_context.h"

#include <arpa/inet.h>

#include <cstring>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/crypto/digest.h"

namespace wardsync::net {
namespace {

using ContextPtr = std::shared_ptr<asio::ssl::context>;

std::string OpenSslError(const char* what) {
  std::string out = what;
  unsigned long e = ERR_get_error();
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    out += ": ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

bool IsIpLiteral(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::string Unbracket(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

// Sets the name (DNS or IP) a certificate must carry on a verify param.
bool SetParamHost(X509_VERIFY_PARAM* param, const std::string& host) {
  X509_VERIFY_PARAM_set_hostflags(param,
                                  X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
  if (host.empty()) return false;
  if (IsIpLiteral(host)) return X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
  return X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
}

int RefuseEverything(int, X509_STORE_CTX*) { return 0; }

constexpr char kTls13Suites[] = "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256";

// A TLS 1.3-only context of the given method, or an error.
Result<ContextPtr> NewTls13Context(asio::ssl::context::method method) {
  ContextPtr ctx;
  try {
    ctx = std::make_shared<asio::ssl::context>(method);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot create TLS context: ") + e.what());
  }
  SSL_CTX* h = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(h, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(h, TLS1_3_VERSION) != 1)
    return Status::Internal(OpenSslError("cannot restrict TLS context to TLS 1.3"));
  SSL_CTX_set_options(h, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  // Record buffers (~34 KB a connection) are freed while a connection is
  // idle: a server holding thousands of connections that mostly wait would
  // otherwise keep them all.
  SSL_CTX_set_mode(h, SSL_MODE_RELEASE_BUFFERS);
  // Fewer bytes per handshake (a small sync is ~2 KB, bench S3): both ends
  // are ours, speak TLS 1.3 and sign with Ed25519, so no TLS 1.2
  // middlebox disguise (a 32-byte legacy session id and a dummy
  // ChangeCipherSpec each way), two key-exchange groups instead of ten,
  // and the signature algorithms our certificates use (Ed25519; ECDSA P-256
  // and RSA-PSS kept for a CA made elsewhere) instead of ~27. Nothing
  // weaker is allowed than before: these are subsets of OpenSSL's defaults.
  SSL_CTX_clear_options(h, SSL_OP_ENABLE_MIDDLEBOX_COMPAT);
  // OpenSSL's three TLS 1.3 suites, ChaCha20-Poly1305 first (a client's
  // order decides; OpenSSL's own puts AES-256-GCM-SHA384 first): the same
  // 256-bit key, but a SHA-256 suite, whose Finished messages and
  // resumption binder are 32 bytes instead of 48 (-48 bytes a resumed
  // handshake). No suite is added or removed: a peer of another order still
  // agrees on one of the three.
  if (SSL_CTX_set_ciphersuites(h, kTls13Suites) != 1)
    return Status::Internal(OpenSslError("cannot set TLS 1.3 cipher suites"));
  if (SSL_CTX_set1_groups_list(h, "X25519:P-256") != 1 ||
      SSL_CTX_set1_sigalgs_list(h, "ed25519:ECDSA+SHA256:rsa_pss_rsae_sha256:rsa_pss_pss_sha256") != 1)
    return Status::Internal(OpenSslError("cannot set TLS groups and signature algorithms"));
  return ctx;
}

// ALPN wire format: a length byte and the name.
constexpr unsigned char kAlpnZstdList[] = {7, 'w', 's', '-', 'z', 's', 't', 'd'};

// Selects "ws-zstd" if the client offers it; otherwise the handshake goes on
// without ALPN, as with a server that has no callback.
int SelectZstdAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                   unsigned int inlen, void*) {
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kAlpnZstdList, sizeof(kAlpnZstdList), in, inlen) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

void KeepSessionAfterClose(SSL* ssl) {
  if (ssl != nullptr && SSL_is_server(ssl) == 1) SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_SENT_SHUTDOWN);
}

Status OfferZstdFirstFlight(SSL* ssl) {
  // Unlike most of OpenSSL, 0 is success here.
  if (SSL_set_alpn_protos(ssl, kAlpnZstdList, sizeof(kAlpnZstdList)) != 0)
    return Status::Internal(OpenSslError("cannot offer ALPN ws-zstd"));
  return Status::Ok();
}

bool ZstdFirstFlightAgreed(SSL* ssl) {
  const unsigned char* name = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl, &name, &len);
  return len == sizeof(kAlpnZstdList) - 1 && std::memcmp(name, kAlpnZstdList + 1, len) == 0;
}

Result<ContextPtr> MakeServerTlsContext(const std::string& cert_chain_pem, const crypto::PrivateKey& key,
                                        bool zstd_first_flight, size_t session_cache_size) {
  auto made = NewTls13Context(asio::ssl::context::tls_server);
  if (!made.ok()) return made.status();
  ContextPtr ctx = *made;
  SSL_CTX* h = ctx->native_handle();
  asio::error_code ec;
  ctx->use_certificate_chain(asio::buffer(cert_chain_pem), ec);
  if (ec) return Status::Invalid("server certificate chain: " + ec.message());
  ERR_clear_error();
  if (SSL_CTX_use_PrivateKey(h, key.get()) != 1) return Status::Invalid(OpenSslError("server key"));
  if (SSL_CTX_check_private_key(h) != 1)
    return Status::Invalid(OpenSslError("server key does not match the server certificate"));
  ctx->set_verify_mode(asio::ssl::verify_none);  // devices prove their key inside the session
  // Stateful TLS 1.3 tickets (bench S3, a small sync <= 2 KB): with
  // SSL_OP_NO_TICKET a TLS 1.3 server still sends one NewSessionTicket, but
  // it carries only the 32-byte session id and the session stays in this
  // context's cache, instead of a ~200-byte encrypted session the device
  // echoes in every resumption ClientHello. The cache is bounded
  // (`session_cache_size`; when full OpenSSL drops the oldest session, whose
  // device then makes a full handshake) and lives in this process only: a
  // restarted server knows no id and the device makes a full handshake, as
  // when a restart changed the stateless ticket key before. ~1 KB a cached
  // session (measured: 10,000 take 10.5 MB), so 20,000 by default.
  // Early data stays off (OpenSSL's default for a server), so a session id
  // may be used again until it expires (2 h, OpenSSL's default timeout, as
  // for the stateless tickets before). Sessions outlive their connection's
  // unclean close: see KeepSessionAfterClose.
  //
  // No ticket is sent by the handshake itself (num_tickets 0): the session
  // handles one only after the device proved its key on the connection
  // (net::IssueProvenTicket), naming that device in the session so a
  // resumption needs no second proof (proven_session.h). So a resumed
  // connection gets no new ticket either, unless its hello had to be
  // verified again (a rotated key), and a peer that never proves a key
  // leaves nothing in the cache.
  SSL_CTX_set_options(h, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(h, 0);
  SSL_CTX_set_session_cache_mode(h, SSL_SESS_CACHE_SERVER);
  SSL_CTX_sess_set_cache_size(h, static_cast<long>(session_cache_size));
  if (zstd_first_flight) SSL_CTX_set_alpn_select_cb(h, SelectZstdAlpn, nullptr);
  return ctx;
}

Result<ContextPtr> MakeClientTlsContext(const std::string& ca_pem) {
  auto made = NewTls13Context(asio::ssl::context::tls_client);
  if (!made.ok()) return made.status();
  ContextPtr ctx = *made;
  SSL_CTX* h = ctx->native_handle();
  asio::error_code ec;
  // Only the committee CA: the system store is never loaded.
  ctx->add_certificate_authority(asio::buffer(ca_pem), ec);
  if (ec) return Status::Invalid("CA certificate: " + ec.message());
  ctx->set_verify_mode(asio::ssl::verify_peer);
  X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(h),
                                  X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
  X509_VERIFY_PARAM_set_purpose(SSL_CTX_get0_param(h), X509_PURPOSE_SSL_SERVER);
  // Sessions live outside OpenSSL (SaveSession/RestoreSession); client mode
  // still lets OpenSSL adopt the tickets the server sends.
  SSL_CTX_set_session_cache_mode(h, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  return ctx;
}

Result<ContextPtr> MakeEnrollTlsContext() {
  auto made = NewTls13Context(asio::ssl::context::tls_client);
  if (!made.ok()) return made.status();
  ContextPtr ctx = *made;
  ctx->set_verify_mode(asio::ssl::verify_none);  // VerifyPinnedChain does the verification
  SSL_CTX_set_session_cache_mode(ctx->native_handle(), SSL_SESS_CACHE_OFF);
  return ctx;
}

Status SetExpectedHost(SSL* ssl, const std::string& host_in) {
  std::string host = Unbracket(host_in);
  bool ok;
  if (IsIpLiteral(host)) {
    ok = SetParamHost(SSL_get0_param(ssl), host);  // no SNI for an IP literal (RFC 6066)
  } else {
    ok = !host.empty() && SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SetParamHost(SSL_get0_param(ssl), host);
  }
  if (ok) return Status::Ok();
  SSL_set_verify(ssl, SSL_VERIFY_PEER, RefuseEverything);  // fail closed
  return Status::Invalid(OpenSslError(("cannot set expected server name '" + host_in + "'").c_str()));
}

std::string SaveSession(SSL* ssl) {
  SSL_SESSION* s = SSL_get1_session(ssl);
  if (!s) return {};
  std::string out;
  if (SSL_SESSION_is_resumable(s) == 1) {
    int len = i2d_SSL_SESSION(s, nullptr);
    if (len > 0) {
      out.resize(static_cast<size_t>(len));
      unsigned char* p = reinterpret_cast<unsigned char*>(out.data());
      if (i2d_SSL_SESSION(s, &p) != len) out.clear();
    }
  }
  SSL_SESSION_free(s);
  return out;
}

bool RestoreSession(SSL* ssl, std::string_view der) {
  if (der.empty()) return false;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  SSL_SESSION* s = d2i_SSL_SESSION(nullptr, &p, static_cast<long>(der.size()));
  if (!s) {
    ERR_clear_error();
    return false;
  }
  bool ok = SSL_SESSION_is_resumable(s) == 1 && SSL_SESSION_get_protocol_version(s) == TLS1_3_VERSION &&
            SSL_set_session(ssl, s) == 1;
  SSL_SESSION_free(s);
  return ok;
}

std::string ExportAuthBinding(SSL* ssl) {
  if (!ssl || SSL_is_init_finished(ssl) != 1) return {};
  unsigned char out[kAuthBindingBytes];
  if (SSL_export_keying_material(ssl, out, sizeof(out), kAuthExporterLabel.data(), kAuthExporterLabel.size(),
                                 nullptr, 0, 0) != 1) {
    ERR_clear_error();
    return {};
  }
  return std::string(reinterpret_cast<char*>(out), sizeof(out));
}

Result<std::string> VerifyPinnedChain(SSL* ssl, std::string_view ca_fingerprint, const std::string& host_in) {
  if (ca_fingerprint.size() != 32) return Status::Invalid("CA fingerprint must be 32 bytes");
  X509* leaf = SSL_get0_peer_certificate(ssl);
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  if (!leaf || !chain) return Status::Unauthenticated("server sent no certificate");
  X509* anchor = nullptr;
  for (int i = 0; i < sk_X509_num(chain) && !anchor; ++i) {
    X509* c = sk_X509_value(chain, i);
    unsigned char* der = nullptr;
    int len = i2d_X509(c, &der);
    if (len <= 0) continue;
    std::string fp = crypto::Sha256(std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
    OPENSSL_free(der);
    if (crypto::SecureEqual(fp, ca_fingerprint)) anchor = c;
  }
  if (!anchor)
    return Status::Unauthenticated("server certificate chain does not contain the CA of the enrollment code "
                                   "(wrong server, or an interception attempt)");
  if (X509_check_ca(anchor) == 0) return Status::Unauthenticated("the pinned certificate is not a CA certificate");

  X509_STORE* store = X509_STORE_new();
  X509_STORE_CTX* vctx = X509_STORE_CTX_new();
  Status st;
  if (!store || !vctx || X509_STORE_add_cert(store, anchor) != 1 ||
      X509_STORE_CTX_init(vctx, store, leaf, chain) != 1 || X509_STORE_CTX_set_default(vctx, "ssl_server") != 1) {
    st = Status::Internal(OpenSslError("cannot set up certificate verification"));
  } else if (!SetParamHost(X509_STORE_CTX_get0_param(vctx), Unbracket(host_in))) {
    st = Status::Invalid("cannot check server name '" + host_in + "'");
  } else if (X509_verify_cert(vctx) != 1) {
    st = Status::Unauthenticated(std::string("server certificate verification failed: ") +
                                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(vctx)));
  }
  X509_STORE_CTX_free(vctx);
  X509_STORE_free(store);
  ERR_clear_error();
  if (!st.ok()) return st;

  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio || PEM_write_bio_X509(bio, anchor) != 1) {
    BIO_free(bio);
    return Status::Internal("cannot encode CA certificate");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  return pem;
}

}  // namespace wardsync::net

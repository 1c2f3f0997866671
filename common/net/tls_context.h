// TLS 1.3 contexts for the server, the client and enrollment, plus the helpers
// that bind authentication to one connection (exporter, hostname, pinning).
#pragma once
#include <asio/ssl.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "common/crypto/ed25519.h"
#include "common/status.h"

namespace wardsync::net {

inline constexpr std::string_view kAuthExporterLabel = "EXPORTER-wardsync-auth";
inline constexpr size_t kAuthBindingBytes = 32;

// Sessions a server keeps for resumption (stateful tickets: the client holds
// a 32-byte id); past it OpenSSL drops the oldest, whose device then makes a
// full handshake. 20,000 = twice the default max_connections (bench S6: a
// fleet of 10,000 devices); ~1 KB each (no peer certificate: devices prove
// their key inside the session), ~20 MB when full.
inline constexpr size_t kServerSessionCacheSize = 20'000;

// Server: TLS 1.3 only, no renegotiation, stateful session tickets (the
// client resumes with a 32-byte id; the session stays in a cache of at most
// `session_cache_size`, in this process only, lost on restart; a resumed
// connection gets no new ticket), no client certificate requested.
// `cert_chain_pem` is the server certificate followed by the CA certificate.
// `zstd_first_flight`: the server takes compressed frames right after the
// hello and says so in the handshake (see OfferZstdFirstFlight).
Result<std::shared_ptr<asio::ssl::context>> MakeServerTlsContext(const std::string& cert_chain_pem,
                                                                 const crypto::PrivateKey& key,
                                                                 bool zstd_first_flight = false,
                                                                 size_t session_cache_size = kServerSessionCacheSize);

// Call on a server connection before SSL_free (TlsSocket does): OpenSSL
// drops a session from the server's cache when its connection is freed
// without having sent close_notify (a TLS 1.0 rule: RFC 4346 7.2.1 lifted
// it; our server never sends close_notify, it closes after the sync), which
// would leave every stateful ticket unusable. Fatal alerts still drop the
// session (OpenSSL does that when the alert is sent or received).
void KeepSessionAfterClose(SSL* ssl);

// Compression of a round's first flight (PROTOCOL.md, Compression): the
// client offers the ALPN protocol "ws-zstd" (before its handshake); a server
// that takes compressed frames selects it, so once the handshake is done the
// client knows, before it sends anything, that the frames after its hello
// may go compressed. A server that predates it selects nothing and the
// first flight goes as before. Fails only if OpenSSL cannot set the list.
Status OfferZstdFirstFlight(SSL* ssl);
// After the handshake, on either end: the server selected "ws-zstd".
bool ZstdFirstFlightAgreed(SSL* ssl);

// Client: TLS 1.3 only, verify_peer against the certificates in `ca_pem` and
// nothing else (no system store). Every connection must also call
// SetExpectedHost before its handshake. Sessions can be resumed with
// SaveSession/RestoreSession.
Result<std::shared_ptr<asio::ssl::context>> MakeClientTlsContext(const std::string& ca_pem);

// Enrollment: TLS 1.3 only, verify_none. The caller MUST call
// VerifyPinnedChain after the handshake and send nothing if it fails.
Result<std::shared_ptr<asio::ssl::context>> MakeEnrollTlsContext();

// Sets the name the server certificate must match: SNI + SSL_set1_host for a
// DNS name, X509_VERIFY_PARAM_set1_ip_asc (and no SNI) for an IPv4/IPv6
// literal. Call before the handshake. On failure the connection is made to
// fail verification (fail closed) and the error is returned.
Status SetExpectedHost(SSL* ssl, const std::string& host);

// DER of the connection's session if it can be resumed, else "". Call on the
// client after the first application read: TLS 1.3 tickets arrive after the
// handshake. Key what you store by server address and CA.
std::string SaveSession(SSL* ssl);
// Offers a saved session on the next handshake (call before it). False if the
// bytes are not a resumable session; the handshake then is a full one.
bool RestoreSession(SSL* ssl, std::string_view der);

// 32 bytes of SSL_export_keying_material("EXPORTER-wardsync-auth", no
// context): the same on both ends of one connection, different for every
// connection. "" if the handshake is not complete.
std::string ExportAuthBinding(SSL* ssl);

// For enrollment, after a handshake made with MakeEnrollTlsContext: finds the
// certificate of the peer chain whose SHA-256 DER fingerprint is
// `ca_fingerprint` (32 raw bytes), verifies the leaf against a store holding
// only that certificate (serverAuth purpose, and `host` as DNS name or IP),
// and returns that CA certificate as PEM. Any mismatch is an error.
Result<std::string> VerifyPinnedChain(SSL* ssl, std::string_view ca_fingerprint, const std::string& host);

}  // namespace wardsync::net

// A server's TLS session remembers which device proved its key on it, so a
// connection that resumes the session needs no second Ed25519 verification
// of the hello proof (bench S4: one verification is ~1.5 M instructions,
// a tenth of a small sync's server CPU).
//
// Why this is as strong as a proof per connection: a TLS 1.3 resumption
// proves that the client holds the session's resumption secret, which only
// the client of the original connection learned, and that connection's
// device proved its key bound to that connection (ExportAuthBinding). The
// server issues a session ticket only after such a proof
// (IssueProvenTicket; the context sends none by itself), so every
// resumable session names a proven device. The remembered key epoch makes a
// key rotation end the shortcut (the next hello is verified again), and a
// hello naming another device than the session's is verified as usual.
// Revocation is checked from the device row on every hello, proof or not.
#pragma once
#include <openssl/ssl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wardsync::net {

struct ProvenDevice {
  std::string device_id;
  uint64_t key_epoch = 0;
};

// The device the resumed session was proven for; nullopt on a full
// handshake or a session that names none.
std::optional<ProvenDevice> ResumedProvenDevice(SSL* ssl);

// After the device's hello proof verified on this connection: names the
// device in the connection's session and has a ticket for it sent with the
// next write (the hello reply). False if OpenSSL refused (then no ticket:
// the device's next connection is a full handshake, nothing else changes).
bool IssueProvenTicket(SSL* ssl, std::string_view device_id, uint64_t key_epoch);

}  // namespace wardsync::net

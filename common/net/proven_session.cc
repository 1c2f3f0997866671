#include "common/net/proven_session.h"

#include <cstring>

#include "common/store/keys.h"

namespace wardsync::net {

namespace {

// The session's application data: tag, key epoch (8 bytes big-endian),
// device id. The tag keeps data of any other meaning from being read as a
// proof.
constexpr std::string_view kTag = "ws-proven-1:";

}  // namespace

std::optional<ProvenDevice> ResumedProvenDevice(SSL* ssl) {
  if (SSL_session_reused(ssl) != 1) return std::nullopt;
  SSL_SESSION* session = SSL_get_session(ssl);
  void* data = nullptr;
  size_t len = 0;
  if (session == nullptr || SSL_SESSION_get0_ticket_appdata(session, &data, &len) != 1 || data == nullptr) {
    return std::nullopt;
  }
  const std::string_view bytes(static_cast<const char*>(data), len);
  if (bytes.size() <= kTag.size() + 8 || bytes.substr(0, kTag.size()) != kTag) return std::nullopt;
  ProvenDevice out;
  out.key_epoch = keys::ReadU64(bytes.substr(kTag.size(), 8));
  out.device_id = std::string(bytes.substr(kTag.size() + 8));
  return out;
}

bool IssueProvenTicket(SSL* ssl, std::string_view device_id, uint64_t key_epoch) {
  SSL_SESSION* session = SSL_get_session(ssl);
  if (session == nullptr) return false;
  std::string data(kTag);
  keys::AppendU64(&data, key_epoch);
  data += device_id;
  // The connection's own session: not in the cache yet (no ticket has been
  // sent for it), or a copy OpenSSL made for this resumption; the ticket
  // below caches it (a copy, with this data, on a resumed connection).
  if (SSL_SESSION_set1_ticket_appdata(session, data.data(), data.size()) != 1) return false;
  return SSL_new_session_ticket(ssl) == 1;
}

}  // namespace wardsync::net

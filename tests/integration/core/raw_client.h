// A hand-driven sync connection for tests that must send what the client
// library never would (tampered, replayed, gapped, forked or invalid
// change-sets): real TCP + TLS 1.3 to the server, pinned to the device's CA,
// and the same signed hello as client/sync/sync_client.cc.
#pragma once
#include <asio.hpp>
#include <asio/ssl.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/crypto/ed25519.h"
#include "common/net/framed_stream.h"
#include "common/status.h"
#include "common/version.h"
#include "proto/changes.pb.h"
#include "proto/sync.pb.h"

namespace wardsync::test {

struct PushOutcome {
  uint64_t acked_seq = 0;
  std::optional<sync::Error> error;  // the server's refusal, if any
};

class RawSession {
 public:
  // Connects to 127.0.0.1:port, verifies the server against ca_pem, sends
  // the hello signed with `key` over this connection's TLS exporter, and
  // reads the answer (a HelloReply, or an Error - see reply()).
  static Result<std::unique_ptr<RawSession>> Open(uint16_t port, const std::string& ca_pem,
                                                  const std::string& device_id, const crypto::PrivateKey& key,
                                                  uint64_t acked_seq = 0, uint32_t max_version = kProtocolVersion);
  ~RawSession();

  const sync::Frame& reply() const { return reply_; }

  // Sends one Push frame and a PullRequest behind it as a fence: the server
  // handles frames in order, so every frame before the PullBatch answers the
  // push (its PushAck and an Error if it refused something).
  Result<PushOutcome> Push(const std::vector<changes::SignedChangeSet>& change_sets);

 private:
  RawSession();
  Status Run(asio::awaitable<Status> op);

  asio::io_context io_;
  std::shared_ptr<asio::ssl::context> tls_ctx_;
  std::unique_ptr<net::TlsStream> tls_;
  std::unique_ptr<net::FramedStream> framed_;
  sync::Frame reply_;
};

// ---- building change-sets by hand ----

// A CREATE of a voter-meeting in `ward` with the given figures (not validated here).
changes::Change VoterMeetingCreate(const std::string& ward, int64_t invited, int64_t attended,
                                   const std::string& candidate = "Lê Văn Cường");
// A body continuing a device's chain: format 1, hlc = now.
changes::ChangeSetBody MakeBody(const std::string& device_id, uint64_t seq, const std::string& prev_hash,
                                const std::vector<changes::Change>& changes);

// A chain of `n` valid change-sets (one voter-meeting each) after (seq, hash).
std::vector<changes::SignedChangeSet> MakeChain(const std::string& device_id, const crypto::PrivateKey& key,
                                                const std::string& ward, uint64_t after_seq,
                                                const std::string& after_hash, size_t n);

}  // namespace wardsync::test

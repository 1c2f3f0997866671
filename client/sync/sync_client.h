// One sync round of a ward client with the central server, and enrollment.
//
// A round is one TLS connection:
//   -> Hello, Push x (up to `window` batches), [PullRequest if all was sent]
//   <- HelloReply, PushAck per Push, PullBatch ...
// The common small sync therefore costs one round trip after the handshake.
// Every acknowledgement is made durable locally (outbox entries dropped)
// before the next step; every pulled page is stored with its cursor in one
// atomic write. A round cut at any point resumes from what was stored.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "client/store/client_store.h"
#include "common/crypto/ed25519.h"
#include "common/status.h"

namespace wardsync::client {

struct SyncProgress {
  uint64_t pushed = 0;          // change-sets acknowledged this round
  uint64_t to_push = 0;         // change-sets pending when the round started
  uint64_t pulled = 0;          // records stored this round
  uint64_t pull_remaining = 0;  // log entries still to pull (server's estimate)
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
};

struct SyncOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds io_timeout{30'000};      // any single read or write
  size_t push_batch_count = 500;                     // change-sets per Push frame
  size_t push_batch_bytes = 2u << 20;
  size_t push_window = 4;                            // Push frames in flight
  uint32_t pull_batch = 2000;
  // Pulled pages are synced to disk once this many bytes came in since the
  // last synced one, and at the last page (client_store.h, ApplyPull): a few
  // disk syncs for a first pull of 50,000 records instead of one per page.
  uint64_t pull_sync_bytes = 1u << 20;
  std::function<void(const SyncProgress&)> on_progress;
  const std::atomic<bool>* cancel = nullptr;         // checked between steps
  wardsync::sync::DeviceReport report;               // sent in the hello (queue depth etc. filled in here)
  bool compression = true;                           // offer zstd frames (PROTOCOL.md, Compression)
  // Send digests of the records this round's pushes should leave on the
  // server, so it need not send them back (PROTOCOL.md, "Own changes not
  // echoed"); false: full pages, as an older client gets.
  bool own_echo = true;
  // DIR/attachments: pending attachments are sent at the end of the round
  // (client/attach); "" sends none. SyncDevice fills it in.
  std::string attachments_dir;
};

struct SyncReport {
  SyncProgress progress;
  uint64_t acked_seq = 0;
  uint64_t pending_after = 0;   // change-sets still not acknowledged
  uint64_t round_trips = 0;     // flights that waited for the server after the handshake
  bool forms_updated = false;
  bool tls_resumed = false;     // the TLS handshake resumed a stored session
  bool zstd = false;            // the server agreed to compressed frames
  bool zstd_first_flight = false;  // ... in the TLS handshake, so the first flight went compressed
  uint64_t attachments_stored = 0;      // attachments the server confirmed this round
  uint64_t attachment_bytes_sent = 0;
  uint64_t attachments_refused = 0;     // still pending, with the server's reason (status)
  uint64_t own_echoed = 0;      // pulled records the server left out: this device completed them (own_echo_client.h)
};

// The keys that prove the device in the hello (see PROTOCOL.md, Device
// proof and Key rotation). client/keys picks them from the sync state.
struct DeviceProof {
  const crypto::PrivateKey* key = nullptr;   // the newest key the server is known to hold
  uint32_t epoch = 0;                        // its epoch
  // While a key rotation to epoch + 1 is not acknowledged: that new key (the
  // server may have recorded the rotation and retired `key` already).
  const crypto::PrivateKey* next = nullptr;
  // The key that signs change-sets of epoch `e` (a push signs its run heads
  // with it); nullptr if neither key here is of that epoch.
  const crypto::PrivateKey* ForEpoch(uint32_t e) const {
    if (e == epoch) return key;
    if (next != nullptr && e == epoch + 1) return next;
    return nullptr;
  }
  // The newest epoch these keys sign: change-sets of a later one were made
  // after a rotation these keys were loaded before (they wait for a round
  // that loads its key).
  uint32_t NewestEpoch() const { return next != nullptr ? epoch + 1 : epoch; }
};

// A round the server refused because the device is revoked carries this
// prefix (the server's reason follows): the officer must be told that its
// unsent change-sets can only go by `wardsync handover` now.
inline constexpr std::string_view kRevokedPrefix = "server refused: this device is revoked: ";
inline bool IsRevokedError(std::string_view message) { return message.rfind(kRevokedPrefix, 0) == 0; }

// Runs one round on a private io_context (blocking the calling thread).
// The TLS session of the round is kept in the store and offered on the
// next round (resumption: an abbreviated handshake, no certificate sent);
// it is tied to the configured server and CA and ignored if they change.
// Fails with the server's refusal, a timeout or a network error; whatever
// was acknowledged or pulled before the failure stays stored.
Result<SyncReport> RunSync(ClientStore& store, const DeviceProof& proof, const SyncOptions& options);
// The same with one key: the device's key of the epoch it signs in now
// (state.key_epoch). Refused while a key rotation waits for the server (that
// round needs both keys: client::SyncDevice loads them).
Result<SyncReport> RunSync(ClientStore& store, const crypto::PrivateKey& key, const SyncOptions& options);

struct EnrollResult {
  std::string device_id;
  std::string ward;
  std::string role;
  std::string ca_pem;      // the pinned committee CA, verified against the code's fingerprint
  std::string host;
  uint16_t port = 0;
};

// Connects to host:port, checks the server's chain against the CA
// fingerprint from the code BEFORE sending anything, proves possession of
// `key` and redeems the code. `answered` (if given): the committee's server
// was reached and asked, so its answer is final (another address of the same
// server would find the code used).
Result<EnrollResult> Enroll(const std::string& host, uint16_t port, const std::string& ca_fingerprint,
                            const std::string& secret, const crypto::PrivateKey& key, const std::string& label,
                            std::chrono::milliseconds timeout, bool* answered = nullptr);

}  // namespace wardsync::client

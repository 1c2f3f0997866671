// One client connection, as one coroutine on its own strand:
//   TLS handshake (deadline) -> first frame: Enroll or Hello (deadline)
//   Hello: version, device proof over the TLS exporter, revocation check
//   then frames in any order until Bye/EOF/idle timeout:
//     Push        -> group commit -> PushAck (or Error); pipelined: while
//                    the client's next frame is already arriving, up to
//                    kMaxPushesInFlight pushes are with the committer at
//                    once; acks still go out in order, and any other frame
//                    is handled only after every earlier push is acked
//     PullRequest -> one bounded page -> PullBatch
// Every step has a deadline; every refusal is logged with its reason; one
// line per sync summarizes it.
#pragma once
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "common/net/tls_socket.h"
#include "common/status.h"
#include "proto/store.pb.h"
#include "proto/sync.pb.h"
#include "server/ingest/submission.h"

namespace wardsync::net {
class FramedStream;
}

namespace wardsync::server {

class SyncServer;

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Stream = net::TlsSocket;
  Session(SyncServer& server, Stream stream, std::string peer);
  ~Session();  // gives back the budget of pushes it still held
  void Start();
  // Thread-safe: closes the connection from any thread.
  void Close();

 private:
  // Log lines, rate-limited per source (common/util/log_limiter.h).
  void LogFromPeer(const std::string& text);
  void LogFromDevice(const std::string& device_id, const std::string& text);
  using Clock_ = std::chrono::steady_clock;
  asio::awaitable<void> Run();
  // TLS handshake and the first frame, then one of the phases below.
  asio::awaitable<void> Serve();
  asio::awaitable<void> ServeEnroll(net::FramedStream& io, const wardsync::sync::EnrollRequest& req,
                                    const std::string& binding);
  // Version, device, proof, connection slot and the reply. The device if the
  // round goes on; nullopt if it was refused (the refusal is sent and logged).
  asio::awaitable<std::optional<wardsync::store::Device>> ServeHello(net::FramedStream& io,
                                                                     const wardsync::sync::Hello& hello,
                                                                     const std::string& binding);
  // Push and pull frames until Bye/EOF/idle timeout; logs the round's line.
  asio::awaitable<void> ServeFrames(net::FramedStream& io, const wardsync::store::Device& device,
                                    Clock_::time_point started);
  // One push, parsed and handed to the committer (acked later by AckPushes,
  // in order); returns the bytes its parsed bodies hold until then (their
  // arena).
  uint64_t ServePush(const std::string& device_id, wardsync::sync::Push& push);
  // One pull page; false if the connection is done (outcome says why).
  asio::awaitable<bool> ServePull(net::FramedStream& io, const wardsync::sync::PullRequest& request,
                                  const std::string& device_id, const std::string& scope, uint64_t& records_out,
                                  std::string& outcome);

  // Pipelined pushes: results come back from the committer in submission
  // order and are posted to this connection's strand.
  static constexpr size_t kMaxPushesInFlight = 4;
  struct PushTally {
    uint64_t change_sets = 0;   // newly stored
    std::string outcome = "ok";
  };
  void SubmitPush(Submission sub);
  asio::awaitable<SubmissionResult> NextPushResult();
  // Sends the ack (and error) of every push already finished, in order, and
  // waits for more until at most leave_in_flight are still with the committer.
  asio::awaitable<Status> AckPushes(net::FramedStream& io, const std::string& device_id, const std::string& ward,
                                    PushTally& tally, size_t leave_in_flight);

  SyncServer& server_;
  Stream stream_;
  std::string peer_;
  size_t pushes_in_flight_ = 0;
  // Compression negotiated in the hello: pull pages may then be shared
  // compressed frames (server/pull/shared_pages.h).
  bool compressed_ = false;
  std::deque<SubmissionResult> push_results_;
  std::deque<uint64_t> push_held_;  // budget bytes of each push in flight, in order
  // A SignedChangeSet around its body: signature, tags, lengths.
  static constexpr uint32_t kChangeSetFraming = 1024;
  asio::steady_timer push_wake_;   // cancelled when a result arrives
};

}  // namespace wardsync::server

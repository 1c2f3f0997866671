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
#include <string>

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
  using Stream = asio::ssl::stream<asio::ip::tcp::socket>;
  Session(SyncServer& server, Stream stream, std::string peer);
  void Start();
  // Thread-safe: closes the connection from any thread.
  void Close();

 private:
  asio::awaitable<void> Run();
  asio::awaitable<void> Serve();

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
  std::deque<SubmissionResult> push_results_;
  asio::steady_timer push_wake_;   // cancelled when a result arrives
};

}  // namespace wardsync::server

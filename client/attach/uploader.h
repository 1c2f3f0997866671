// The client's side of attachment transfer (PROTOCOL.md, Attachments): run
// by a sync round after its pushes are acknowledged and its pull is done, so
// records never wait for bytes. For each pending attachment (upload_state.h):
// offer it, and send from the byte the server says it holds, in chunks
// within its limits, flushed one after the other (TCP paces them); then read
// the verdict. A cut connection leaves the server's partial bytes, and the
// next round resumes at the byte it reports.
#pragma once
#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "client/store/client_store.h"
#include "common/net/framed_stream.h"
#include "common/status.h"

namespace wardsync::client::attach {

struct UploadOptions {
  std::string attachments_dir;                // DIR/attachments
  uint32_t max_frame_bytes = 0;               // the server's (announced) frame limit
  std::chrono::milliseconds io_timeout{30'000};
  const std::atomic<bool>* cancel = nullptr;  // checked between chunks
  uint64_t now_ms = 0;                        // for the done mark
};

struct UploadReport {
  uint64_t stored = 0;          // attachments the server confirmed this round (sent or already held)
  uint64_t bytes_sent = 0;      // chunk bytes sent this round
  uint64_t refused = 0;         // refused this round (kept pending, with the reason)
  bool unsupported = false;     // the server is older than attachments: nothing sent, all kept pending
};

// Fails on a network error, a server Error frame or an answer out of order;
// what was confirmed before stays confirmed.
asio::awaitable<Status> UploadPending(net::FramedStream& io, ClientStore& store, const UploadOptions& options,
                                      UploadReport* report);

}  // namespace wardsync::client::attach

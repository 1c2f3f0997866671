// The server's side of attachment transfer on one connection (PROTOCOL.md,
// Attachments): AttachmentOffer -> AttachmentStatus | AttachmentRefused,
// then AttachmentChunk ... -> AttachmentDone | AttachmentRefused.
//
// One transfer at a time per connection; its hash is claimed in
// AttachmentFiles for as long as it runs (released at its end, at the next
// offer, or when the connection ends), so two connections never append to
// one partial file. File work and store reads run on the store pool, never
// on the connection's strand.
#pragma once
#include <asio.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "common/net/framed_stream.h"
#include "common/store/kv_store.h"
#include "proto/sync.pb.h"
#include "server/attach/attachment_files.h"

namespace wardsync::server::attach {

// The largest chunk the server takes (less if the frame limit is smaller).
inline constexpr uint32_t kMaxChunkBytes = 256u << 10;
// Room in a frame for the Frame, chunk and hash headers around the data.
inline constexpr uint32_t kChunkFraming = 1024;
// The largest AttachmentChunk.data taken under a frame limit (announced in
// AttachmentStatus.max_chunk_bytes; the pre-parse bound of a chunk frame is
// this plus kChunkFraming).
uint32_t MaxChunkBytesFor(uint32_t max_frame_bytes);

class UploadSession {
 public:
  // `files` may be null: this server keeps no attachments (refused as STORAGE).
  UploadSession(AttachmentFiles* files, KvStore& store, asio::thread_pool& pool, std::string device_id,
                std::string scope, uint32_t max_frame_bytes, std::chrono::milliseconds write_timeout);
  ~UploadSession();
  UploadSession(const UploadSession&) = delete;
  UploadSession& operator=(const UploadSession&) = delete;

  static bool Handles(const wardsync::sync::Frame& frame);
  // Serves one attachment frame. False if the connection must end (a chunk
  // no honest client sends, or the answer could not be written); `outcome`
  // then says why.
  asio::awaitable<bool> Serve(net::FramedStream& io, const wardsync::sync::Frame& frame, std::string& outcome);

  uint64_t stored() const { return stored_; }  // attachments completed on this connection

 private:
  struct Transfer {
    std::string hash;
    uint64_t size = 0;
    uint64_t have = 0;
    std::string media_type;
  };
  asio::awaitable<bool> Offer(net::FramedStream& io, const wardsync::sync::AttachmentOffer& offer);
  asio::awaitable<bool> Chunk(net::FramedStream& io, const wardsync::sync::AttachmentChunk& chunk, std::string& outcome);
  asio::awaitable<bool> Refuse(net::FramedStream& io, const std::string& hash, const Refusal& why);
  void EndTransfer();
  uint32_t MaxChunk() const;

  AttachmentFiles* files_;
  KvStore& store_;
  asio::thread_pool& pool_;
  std::string device_id_;
  std::string scope_;
  uint32_t max_frame_bytes_;
  std::chrono::milliseconds write_timeout_;
  std::optional<Transfer> current_;
  uint64_t stored_ = 0;
};

}  // namespace wardsync::server::attach

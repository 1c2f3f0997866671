#include "server/attach/upload_session.h"

#include "common/attach/attachment_value.h"
#include "common/util/log.h"
#include "server/attach/attachment_reference.h"
#include "server/net/offload.h"

namespace wardsync::server::attach {

namespace sync = wardsync::sync;
namespace av = wardsync::attach;

UploadSession::UploadSession(AttachmentFiles* files, KvStore& store, asio::thread_pool& pool, std::string device_id,
                             std::string scope, uint32_t max_frame_bytes, std::chrono::milliseconds write_timeout)
    : files_(files),
      store_(store),
      pool_(pool),
      device_id_(std::move(device_id)),
      scope_(std::move(scope)),
      max_frame_bytes_(max_frame_bytes),
      write_timeout_(write_timeout) {}

UploadSession::~UploadSession() { EndTransfer(); }

bool UploadSession::Handles(const sync::Frame& frame) {
  return frame.has_attachment_offer() || frame.has_attachment_chunk();
}

uint32_t MaxChunkBytesFor(uint32_t max_frame_bytes) {
  const uint32_t room = max_frame_bytes > kChunkFraming ? max_frame_bytes - kChunkFraming : max_frame_bytes / 2;
  return std::min(kMaxChunkBytes, room);
}

uint32_t UploadSession::MaxChunk() const { return MaxChunkBytesFor(max_frame_bytes_); }

void UploadSession::EndTransfer() {
  if (current_ && files_) files_->Release(current_->hash);
  current_.reset();
}

asio::awaitable<bool> UploadSession::Serve(net::FramedStream& io, const sync::Frame& frame, std::string& outcome) {
  if (frame.has_attachment_offer()) co_return co_await Offer(io, frame.attachment_offer());
  co_return co_await Chunk(io, frame.attachment_chunk(), outcome);
}

asio::awaitable<bool> UploadSession::Refuse(net::FramedStream& io, const std::string& hash, const Refusal& why) {
  util::LogLine("attachment " + hash + " from device " + device_id_ + " refused (" +
                sync::AttachmentRefusal_Name(why.reason) + "): " + why.message);
  sync::Frame f;
  auto* r = f.mutable_attachment_refused();
  r->set_sha256(hash);
  r->set_reason(why.reason);
  r->set_message(why.message);
  co_return (co_await io.Write(f, write_timeout_)).ok();
}

asio::awaitable<bool> UploadSession::Offer(net::FramedStream& io, const sync::AttachmentOffer& offer) {
  EndTransfer();  // an offer ends whatever transfer was going on
  const std::string hash = offer.sha256();
  if (!av::IsHashHex(hash) || offer.size() == 0 || offer.size() > av::kMaxAttachmentBytes) {
    co_return co_await Refuse(io, hash, {sync::WRONG_SIZE, "an offer names a 64-digit hex SHA-256 and 1 .. " +
                                                              std::to_string(av::kMaxAttachmentBytes) + " bytes"});
  }
  if (files_ == nullptr) co_return co_await Refuse(io, hash, {sync::STORAGE, "this server keeps no attachments"});
  // Is it named by a record in scope, do we have it already, where to resume:
  // all file and store work, off the strand.
  struct Answer {
    Status status;
    std::optional<Refusal> refusal;
    std::string media_type;
    bool complete = false;
    bool claimed = false;
    uint64_t have = 0;
  };
  auto look = [files = files_, &store = store_, scope = scope_, offer, hash]() -> Answer {
    Answer a;
    Refusal why;
    auto ref = FindReference(store, scope, offer.record_id(), offer.field(), hash, offer.size(), &why);
    if (!ref.ok()) {
      a.status = ref.status();
      return a;
    }
    if (!ref->has_value()) {
      a.refusal = why;
      return a;
    }
    a.media_type = (*ref)->media_type();
    if (files->Has(hash)) {
      a.complete = true;  // deduplicated: another record or device sent it already
      return a;
    }
    if (!files->Claim(hash)) {
      a.refusal = Refusal{sync::ATTACHMENT_BUSY, "another connection is sending this attachment now"};
      return a;
    }
    a.claimed = true;
    auto have = files->Resume(hash, offer.size());
    if (!have.ok()) {
      files->Release(hash);
      a.status = have.status();
      return a;
    }
    a.have = *have;
    if (a.have == offer.size()) {
      // Every byte arrived but the check did not run (a crash, a failed
      // sync): run it now, so the client is never asked for nothing.
      auto done = files->Complete(hash, offer.size(), a.media_type);
      files->Release(hash);
      a.claimed = false;
      if (!done.ok()) {
        a.status = done.status();
        return a;
      }
      a.refusal = *done;  // discarded if wrong: the next offer starts over
      a.complete = !a.refusal;
    }
    return a;
  };
  Answer a = co_await Offload(pool_, look);
  if (!a.status.ok()) co_return co_await Refuse(io, hash, {sync::STORAGE, a.status.message()});
  if (a.refusal) co_return co_await Refuse(io, hash, *a.refusal);
  if (a.claimed) current_ = Transfer{hash, offer.size(), a.have, a.media_type};
  sync::Frame f;
  auto* st = f.mutable_attachment_status();
  st->set_sha256(hash);
  st->set_have_bytes(a.complete ? offer.size() : a.have);
  st->set_complete(a.complete);
  st->set_max_chunk_bytes(MaxChunk());
  co_return (co_await io.Write(f, write_timeout_)).ok();
}

asio::awaitable<bool> UploadSession::Chunk(net::FramedStream& io, const sync::AttachmentChunk& chunk,
                                           std::string& outcome) {
  if (!current_ || chunk.sha256() != current_->hash || chunk.data().size() > MaxChunk()) {
    // Only a client that does not follow the protocol gets here: its
    // transfer ends with the connection (it resumes at the next sync).
    const Refusal why{sync::BAD_CHUNK, current_ ? "chunk of another attachment, or larger than the announced maximum"
                                                : "chunk without an accepted offer"};
    (void)co_await Refuse(io, chunk.sha256(), why);
    EndTransfer();
    outcome = "protocol error: " + why.message;
    co_return false;
  }
  Transfer& t = *current_;
  struct Appended {
    Status status;
    std::optional<Refusal> refusal;
    uint64_t have = 0;
  };
  // The chunk's bytes stay in the frame, which outlives this await.
  auto append = [files = files_, &t, &chunk]() -> Appended {
    Appended a;
    auto have = files->Append(t.hash, chunk.offset(), chunk.data(), t.size, &a.refusal);
    if (!have.ok()) {
      a.status = have.status();
      return a;
    }
    a.have = *have;
    if (a.refusal || a.have < t.size) return a;
    auto done = files->Complete(t.hash, t.size, t.media_type);
    if (!done.ok()) {
      a.status = done.status();
      return a;
    }
    a.refusal = *done;
    return a;
  };
  Appended a = co_await Offload(pool_, append);
  const std::string hash = t.hash;
  if (!a.status.ok()) {
    EndTransfer();
    co_return co_await Refuse(io, hash, {sync::STORAGE, a.status.message()});
  }
  if (a.refusal && a.refusal->reason == sync::BAD_CHUNK) {
    (void)co_await Refuse(io, hash, *a.refusal);
    EndTransfer();
    outcome = "protocol error: " + a.refusal->message;
    co_return false;
  }
  if (a.refusal) {
    EndTransfer();
    co_return co_await Refuse(io, hash, *a.refusal);
  }
  t.have = a.have;
  if (t.have < t.size) co_return true;  // more chunks follow, unanswered
  EndTransfer();
  ++stored_;
  util::LogLine("attachment " + hash + " from device " + device_id_ + " stored (" + std::to_string(a.have) + " bytes)");
  sync::Frame f;
  f.mutable_attachment_done()->set_sha256(hash);
  co_return (co_await io.Write(f, write_timeout_)).ok();
}

}  // namespace wardsync::server::attach

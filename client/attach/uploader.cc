#include "client/attach/uploader.h"

#include <algorithm>
#include <fstream>

#include "client/attach/upload_state.h"
#include "common/attach/file_digest.h"

namespace wardsync::client::attach {

namespace sync = wardsync::sync;

namespace {

constexpr const char* kOlderServer = "the server does not take attachments (it is older than this client)";

// Chunks fit the frame with room for the Frame, chunk and hash headers.
uint32_t ChunkBytes(const sync::AttachmentStatus& st, uint32_t max_frame_bytes) {
  uint32_t n = st.max_chunk_bytes() ? st.max_chunk_bytes() : 64u << 10;
  if (max_frame_bytes > 1024) n = std::min(n, max_frame_bytes - 1024);
  return std::max(n, 1024u);
}

// The server's answer about `hash`, or why the phase must stop.
asio::awaitable<Result<sync::Frame>> Answer(net::FramedStream& io, const std::string& hash,
                                           std::chrono::milliseconds timeout) {
  auto f = co_await io.Read(timeout);
  if (!f.ok()) co_return f.status();
  if (f->has_error() && f->error().code() == sync::PROTOCOL_ORDER) co_return Status::Unavailable(kOlderServer);
  if (f->has_error()) co_return Status::Denied("server refused: " + f->error().message());
  std::string about;
  if (f->has_attachment_status()) about = f->attachment_status().sha256();
  if (f->has_attachment_done()) about = f->attachment_done().sha256();
  if (f->has_attachment_refused()) about = f->attachment_refused().sha256();
  if (about != hash) co_return Status::Invalid("the server's answer about an attachment came out of order");
  co_return std::move(f).value();
}

// A refusal: kept pending with the reason, unless the copy here is itself
// damaged (it no longer hashes to its name): then it can never be sent.
Status NoteRefused(ClientStore& store, const PendingAttachment& a, const sync::AttachmentRefused& r) {
  std::string why = sync::AttachmentRefusal_Name(r.reason()) + ": " + r.message();
  if (r.reason() == sync::HASH_MISMATCH || r.reason() == sync::WRONG_TYPE) {
    auto d = wardsync::attach::DigestFile(a.path);
    if (!d.ok() || d->sha256_hex != a.value.sha256()) why = "the copy on this device is damaged; " + why;
  }
  return NoteProgress(store, a, 0, why);
}

}  // namespace

asio::awaitable<Status> UploadPending(net::FramedStream& io, ClientStore& store, const UploadOptions& options,
                                      UploadReport* report) {
  auto pending = PendingAttachments(store, options.attachments_dir);
  if (!pending.ok()) co_return pending.status();
  for (const PendingAttachment& a : *pending) {
    if (options.cancel && options.cancel->load()) co_return Status::Deadline("sync cancelled");
    const std::string& hash = a.value.sha256();
    sync::Frame offer;
    auto* o = offer.mutable_attachment_offer();
    o->set_sha256(hash);
    o->set_size(a.value.size());
    o->set_record_id(a.record_id);
    o->set_field(a.field);
    Status written = co_await io.Write(offer, options.io_timeout);
    if (!written.ok()) co_return written;
    auto answer = co_await Answer(io, hash, options.io_timeout);
    if (!answer.ok() && answer.status().message() == kOlderServer) {
      // A server from before attachments ends the connection at the first
      // offer (PROTOCOL.md, Attachments): the records are done; the bytes
      // wait for an upgraded server.
      report->unsupported = true;
      co_return Status::Ok();
    }
    if (!answer.ok()) co_return answer.status();
    if (answer->has_attachment_refused()) {
      ++report->refused;
      if (Status s = NoteRefused(store, a, answer->attachment_refused()); !s.ok()) co_return s;
      continue;
    }
    if (!answer->has_attachment_status()) co_return Status::Invalid("the server answered an offer with something else");
    const auto& st = answer->attachment_status();
    if (st.complete()) {  // already there (another record or device sent these bytes)
      ++report->stored;
      if (Status s = NoteDone(store, a, options.now_ms); !s.ok()) co_return s;
      continue;
    }
    uint64_t have = st.have_bytes();
    if (have > a.value.size()) co_return Status::Invalid("the server claims more bytes than the attachment has");
    std::ifstream in(a.path, std::ios::binary);
    if (!in || !in.seekg(static_cast<std::streamoff>(have))) co_return Status::NotFound("cannot read " + a.path);
    std::string buf(ChunkBytes(st, options.max_frame_bytes), '\0');
    while (have < a.value.size()) {
      if (options.cancel && options.cancel->load()) co_return Status::Deadline("sync cancelled");
      const auto want = static_cast<std::streamsize>(std::min<uint64_t>(buf.size(), a.value.size() - have));
      in.read(buf.data(), want);
      if (in.gcount() != want) co_return Status::Corruption(a.path + " is shorter than its attachment value says");
      sync::Frame chunk;
      auto* c = chunk.mutable_attachment_chunk();
      c->set_sha256(hash);
      c->set_offset(have);
      c->set_data(buf.data(), static_cast<size_t>(want));
      written = co_await io.Write(chunk, options.io_timeout);
      if (!written.ok()) co_return written;
      have += static_cast<uint64_t>(want);
      report->bytes_sent += static_cast<uint64_t>(want);
      if (Status s = NoteProgress(store, a, have, ""); !s.ok()) co_return s;
    }
    auto verdict = co_await Answer(io, hash, options.io_timeout);
    if (!verdict.ok()) co_return verdict.status();
    if (verdict->has_attachment_done()) {
      ++report->stored;
      if (Status s = NoteDone(store, a, options.now_ms); !s.ok()) co_return s;
    } else if (verdict->has_attachment_refused()) {
      ++report->refused;
      if (Status s = NoteRefused(store, a, verdict->attachment_refused()); !s.ok()) co_return s;
    } else {
      co_return Status::Invalid("the server answered an attachment with something else");
    }
  }
  co_return Status::Ok();
}

}  // namespace wardsync::client::attach

#include "client/sync/sync_client.h"

#include "client/attach/uploader.h"
#include <openssl/ssl.h>

#include "common/changes/changeset.h"
#include "common/changes/signature_runs.h"
#include "common/clock/clock.h"
#include "common/crypto/digest.h"
#include "common/net/framed_stream.h"
#include "common/net/tls_context.h"
#include "client/store/configured_servers.h"
#include "client/sync/own_echo_client.h"
#include "client/sync/pull_writer.h"
#include "common/version.h"
#include "common/wire/frame_scan.h"
#include "common/wire/protocol_limits.h"

namespace wardsync::client {

namespace sync = wardsync::sync;

#define WS_CO_RETURN_IF_ERROR(expr)    \
  do {                                 \
    ::wardsync::Status _st = (expr);    \
    if (!_st.ok()) co_return _st;        \
  } while (0)

using net::FramedStream;
using net::TlsStream;

namespace {

// Room a push batch keeps for the run heads' signatures, which are made
// after the batch is read from the outbox (it holds change-sets unsigned):
// a run ends inside a batch only at a key rotation or an epoch change (a
// device has at most one rotation pending), and one more at its end.
constexpr size_t kHeadsSignedInBatch = 3;
constexpr size_t kSignatureWireBytes = 64 + 2;  // the bytes and their field tag and length

std::string ErrorText(const sync::Error& e) {
  if (e.code() == sync::REVOKED) {
    // The server's text names the revocation already; keep its reason once.
    constexpr std::string_view said = "device is revoked: ";
    std::string_view m = e.message();
    if (m.substr(0, said.size()) == said) m.remove_prefix(said.size());
    return std::string(kRevokedPrefix) + std::string(m);
  }
  std::string text = e.message();
  if (e.seq()) text += " (change-set " + std::to_string(e.seq()) + ")";
  return "server refused: " + text;
}

// Everything one round needs, driven by one coroutine.
class Round {
 public:
  Round(ClientStore& store, const DeviceProof& proof, const SyncOptions& opt) : store_(store), proof_(proof), opt_(opt) {}

  // The round, then the wait for the page still being stored: a round
  // reports success only once everything it pulled is in the store.
  asio::awaitable<Status> Run(TlsStream& tls, PullWriter& writer) {
    writer_ = &writer;
    Status s = co_await Exchange(tls);
    Status stored = co_await PageStored();
    co_return s.ok() ? stored : s;
  }

 private:
  asio::awaitable<Status> Exchange(TlsStream& tls) {
    auto cfg = store_.Config();
    if (!cfg.ok()) co_return cfg.status();
    auto state = store_.State();
    if (!state.ok()) co_return state.status();
    const std::string binding = net::ExportAuthBinding(tls.native_handle());
    FramedStream io(tls);
    io_ = &io;

    auto pending = store_.PendingCount();
    if (!pending.ok()) co_return pending.status();
    report_.progress.to_push = *pending;
    acked_ = state->acked_seq();

    sync::Frame hello_frame;
    auto* hello = hello_frame.mutable_hello();
    hello->set_min_version(kMinClientProtocolVersion);
    hello->set_max_version(kProtocolVersion);
    hello->set_device_id(cfg->device_id());
    hello->set_auth_signature(proof_.key->Sign(crypto::kAuthContext, binding));
    hello->set_key_epoch(proof_.epoch);
    if (proof_.next) hello->set_next_auth_signature(proof_.next->Sign(crypto::kAuthContext, binding));
    hello->set_acked_seq(state->acked_seq());
    hello->set_pull_cursor(state->pull_cursor());
    hello->set_forms_epoch(state->forms_epoch());
    *hello->mutable_report() = opt_.report;
    hello->mutable_report()->set_queue_depth(*pending);
    auto oldest = store_.OldestPendingMs();
    SystemClock clock;
    const uint64_t now = clock.NowMs();
    if (oldest.ok() && *oldest) hello->mutable_report()->set_oldest_pending_ms(now > *oldest ? now - *oldest : 0);
    hello->mutable_report()->set_clock_ms(static_cast<int64_t>(now));
    hello->mutable_report()->set_client_version(kSoftwareVersion);
    hello->mutable_report()->set_last_seq(state->last_seq());
    // Offer compression. The hello itself always goes uncompressed (the
    // server reads it before it knows the device).
    hello->set_accept_zstd(opt_.compression);
    io.AcceptCompressed(opt_.compression);
    WS_CO_RETURN_IF_ERROR(io.Queue(hello_frame));
    // The server said in the handshake that it reads compressed frames
    // right after the hello: the rest of this flight may go compressed.
    report_.zstd_first_flight = opt_.compression && net::ZstdFirstFlightAgreed(tls.native_handle());
    io.SendCompressed(report_.zstd_first_flight);

    // First flight: hello, push batches, and the pull if everything fit,
    // within the limits this server announced last time (or the protocol's
    // minimums, which every server allows, if it never did).
    limits_ = wire::FillMinimums(state->server_limits());
    cursor_ = state->pull_cursor();
    // The records this round's pushes should leave on the server, so that
    // the pull need not send them back (own_echo_client.h).
    if (opt_.own_echo) {
      WS_CO_RETURN_IF_ERROR(own_echo_.Prepare(store_, cfg->device_id(), state->acked_seq() + 1, state->last_seq()));
    }
    WS_CO_RETURN_IF_ERROR(QueuePushes());
    co_await Flush();
    if (!status_.ok()) co_return status_;

    auto reply = co_await io.Read(opt_.io_timeout);
    if (!reply.ok()) co_return reply.status();
    const uint64_t replied_ms = clock.NowMs();
    // TLS 1.3 tickets arrive after the handshake, ahead of the first reply.
    session_ = net::SaveSession(tls.native_handle());
    if (reply->has_error()) co_return Status::Unauthenticated(ErrorText(reply->error()));
    if (!reply->has_hello_reply()) co_return Status::Invalid("server answered the hello with something else");
    const auto& hr = reply->hello_reply();
    // The server's clock, for `status` and the capture warning
    // (clock_offset.h). Bookkeeping: a failure to note it fails nothing.
    (void)store_.NoteServerClock(hr.server_time_ms(), now, replied_ms, hr.max_clock_skew_ms());
    if (hr.has_limits()) {
      // From now on, and for the next round's first flight (kept before
      // anything can fail: a first flight the server refused for its size
      // is then sent within its limits next time).
      limits_ = wire::FillMinimums(hr.limits());
      WS_CO_RETURN_IF_ERROR(store_.SaveServerLimits(limits_));
    }
    report_.zstd = hr.zstd() && opt_.compression;
    io.SendCompressed(report_.zstd);  // later pushes, if the server agreed
    if (hr.forms_size() > 0 || hr.forms_epoch() != state->forms_epoch()) {
      std::vector<wardsync::forms::FormDef> forms(hr.forms().begin(), hr.forms().end());
      std::vector<wardsync::forms::ChoiceListDef> lists(hr.choice_lists().begin(), hr.choice_lists().end());
      if (!forms.empty() || hr.has_wards() || !lists.empty()) {
        WS_CO_RETURN_IF_ERROR(store_.ReplaceForms(forms, hr.wards(), hr.forms_epoch(), lists));
        report_.forms_updated = true;
      }
    }
    if (hr.server_seq() > acked_) {
      // The server holds more than we knew (an acknowledgement was lost): drop them now.
      WS_CO_RETURN_IF_ERROR(store_.Acknowledge(hr.server_seq()));
      report_.progress.pushed += hr.server_seq() - acked_;
      acked_ = hr.server_seq();
    } else if (hr.server_seq() < acked_) {
      co_return Status::Corruption("the server holds change-sets up to " + std::to_string(hr.server_seq()) +
                                   " but acknowledged up to " + std::to_string(acked_) +
                                   " before: was it restored from an old backup? Contact the committee.");
    }

    while (in_flight_ > 0 || pull_outstanding_ || !pull_done_) {
      if (opt_.cancel && opt_.cancel->load()) co_return Status::Deadline("sync cancelled");
      if (!pull_outstanding_ && in_flight_ == 0 && !pull_done_) {
        WS_CO_RETURN_IF_ERROR(QueuePull(cursor_));
        co_await Flush();
        if (!status_.ok()) co_return status_;
      }
      // Each frame a page of its own (pulled_page.h): a pull page's bytes
      // and arena go to the writer with it and are freed with it there.
      auto page = std::make_unique<PulledPage>();
      sync::Frame* frame = &page->frame();
      Status read = co_await io.ReadBytes(&page->bytes(), opt_.io_timeout);
      if (!read.ok()) co_return read;
      // Ask for the next page as soon as this one is here, before parsing
      // it, so the server makes that page while this device parses and
      // stores this one (its cursor and `more` are read from the bytes).
      // The request's cursor only says where the server reads from; what
      // this device holds is the stored cursor, and a round that breaks
      // here starts from that one.
      bool asked_next = false;
      uint64_t peeked_cursor = 0;
      bool peeked_more = false;
      if (pull_outstanding_ && in_flight_ == 0 &&
          wire::PullBatchNext(page->bytes(), &peeked_cursor, &peeked_more) && peeked_more) {
        WS_CO_RETURN_IF_ERROR(QueuePull(std::max(peeked_cursor, cursor_)));
        co_await Flush();
        if (!status_.ok()) co_return status_;
        asked_next = true;
      }
      // A pull page's records stay the bytes they came in (pulled_page.h):
      // only the rest of the frame is parsed.
      std::string rest;
      const bool pull_page = page->TakeRecords(&rest);
      WS_CO_RETURN_IF_ERROR(io.ParseRead(pull_page ? rest : page->bytes(), frame));
      if (frame->has_error()) co_return Status::Denied(ErrorText(frame->error()));
      if (frame->has_push_ack()) {
        --in_flight_;
        // Store writes stay in frame order: a page that arrived before
        // this acknowledgement is stored (with our changes still pending
        // on top) before the acknowledgement drops them from the outbox.
        WS_CO_RETURN_IF_ERROR(co_await PageStored());
        const uint64_t acked = frame->push_ack().acked_seq();
        // Refill the window first: the next pushes do not depend on this
        // acknowledgement, so the server ingests them while this device
        // syncs its disk (Acknowledge is a durable write).
        Status queued = QueuePushes();
        if (queued.ok()) co_await Flush();
        if (acked > acked_) {  // stored even if the send failed: the server did acknowledge
          WS_CO_RETURN_IF_ERROR(store_.Acknowledge(acked));
          report_.progress.pushed += acked - acked_;
          acked_ = acked;
        }
        Progress();
        if (!queued.ok()) co_return queued;
        if (!status_.ok()) co_return status_;
        continue;
      }
      if (frame->has_pull_batch()) {
        pull_outstanding_ = asked_next;
        auto& pb = *frame->mutable_pull_batch();
        WS_CO_RETURN_IF_ERROR(own_echo_.Complete(&pb));
        report_.own_echoed += pb.own_size();
        const uint64_t next = std::max(pb.cursor(), cursor_);
        pull_done_ = !pb.more();
        // Not asked for above (pushes were still in flight): ask now,
        // before storing this page.
        if (!pull_done_ && in_flight_ == 0 && !asked_next) {
          WS_CO_RETURN_IF_ERROR(QueuePull(next));
          co_await Flush();
          if (!status_.ok()) co_return status_;
        }
        // The page before this one first (one page stored at a time, in
        // order), then this one on the writer's thread while the next
        // page crosses the network and is parsed here.
        WS_CO_RETURN_IF_ERROR(co_await PageStored());
        report_.progress.pull_remaining = pb.remaining();
        if (next > cursor_ || page->record_count() > 0) {
          // Synced every opt_.pull_sync_bytes and at the last page, not
          // every page: a page's records and its cursor are one write, so a crash
          // loses whole pages after the last synced one, cursor included,
          // and the next round pulls them again (client_store.h, ApplyPull).
          const bool durable = pull_done_ || io.bytes_in() - synced_at_bytes_ >= opt_.pull_sync_bytes;
          writer_->Start(std::move(page), next, durable);  // frame and pb are the writer's from here
          if (durable) synced_at_bytes_ = io.bytes_in();
          cursor_ = next;
        } else {
          Progress();
        }
        continue;
      }
      co_return Status::Invalid("unexpected frame from server");
    }
    // Attachment bytes last: every record of the round is already stored
    // (client/attach/uploader.h).
    WS_CO_RETURN_IF_ERROR(co_await PageStored());
    if (!opt_.attachments_dir.empty()) {
      Status sent = co_await UploadAttachments(io);
      if (!sent.ok()) co_return sent;
    }
    sync::Frame bye;
    bye.mutable_bye();
    // Ignored on purpose: the round's outcome is decided and stored; a bye
    // that cannot be queued only means the connection is already going.
    (void)io.Queue(bye);
    closing_ = true;  // nothing waits on the bye
    co_await Flush();
    report_.acked_seq = acked_;
    auto left = store_.PendingCount();
    report_.pending_after = left.ok() ? *left : 0;
    report_.progress.bytes_in = io.bytes_in();
    report_.progress.bytes_out = io.bytes_out();
    co_return Status::Ok();
  }


 public:
  SyncReport report_;
  std::string session_;  // DER of this connection's TLS session, once known

 private:
  // Waits for the page being stored, if any; counts its records as pulled.
  asio::awaitable<Status> PageStored() {
    size_t stored = 0;
    Status s = co_await writer_->Finish(&stored);
    if (s.ok() && stored > 0) {
      report_.progress.pulled += stored;
      Progress();
    }
    co_return s;
  }


  // Queues Push frames up to the window; once every pending change-set is
  // on its way, queues the pull so it rides in the same flight.
  Status QueuePushes() {
    // Within the server's limits: its count per push, and its frame size
    // less the framing around each change-set (at most 6 bytes each: field
    // tag and length), around the push (Frame and Push headers) and the
    // room for the run heads' signatures, made after the batch is read.
    const size_t count = std::min<size_t>(opt_.push_batch_count, limits_.max_changesets_per_push());
    const size_t frame = limits_.max_frame_bytes();
    const size_t overhead = 6 * count + 16 + kHeadsSignedInBatch * kSignatureWireBytes;
    const size_t bytes = std::min<size_t>(opt_.push_batch_bytes, frame > overhead ? frame - overhead : 0);
    while (!push_exhausted_ && in_flight_ < opt_.push_window) {
      std::string hash_after;  // what the chain recorded for the batch's last (SignRunHeads checks it)
      auto batch = store_.PendingBatch(sent_through_ > acked_ ? sent_through_ : acked_, count, bytes, &hash_after);
      if (!batch.ok()) return batch.status();
      if (batch->empty()) {
        push_exhausted_ = true;
        break;
      }
      sync::Frame f;
      for (auto& e : *batch) *f.mutable_push()->add_change_sets() = std::move(*e.mutable_signed_());
      // One signature per run travels, made now over the bytes as saved
      // (PROTOCOL.md, Signatures). What was made after a key rotation
      // during this round (the agent syncs while the officer works) waits
      // for the next round, which loads the new key.
      WS_RETURN_IF_ERROR(changes_util::SignRunHeads(f.mutable_push()->mutable_change_sets(),
                                                    [this](uint32_t e) { return proof_.ForEpoch(e); },
                                                    proof_.NewestEpoch(), hash_after));
      if (f.push().change_sets_size() == 0) {
        push_exhausted_ = true;
        break;
      }
      changes::ChangeSetBody last;
      // Our own outbox entry: one that does not parse means a damaged store.
      WS_RETURN_IF_ERROR(changes_util::ParseBody(f.push().change_sets(f.push().change_sets_size() - 1), &last));
      if (f.ByteSizeLong() > frame) {
        // Only a single change-set larger than the server's frame gets here.
        return Status::Exhausted("change-set " + std::to_string(last.seq()) + " is " +
                                 std::to_string(f.ByteSizeLong()) + " bytes, more than the server's frame limit of " +
                                 std::to_string(frame) + " bytes; the server's administrator must raise "
                                 "--max-frame-bytes");
      }
      sent_through_ = last.seq();
      WS_RETURN_IF_ERROR(io_->Queue(f));
      ++in_flight_;
    }
    if (push_exhausted_ && !pull_requested_once_ && !pull_outstanding_) return QueuePull(cursor_);
    return Status::Ok();
  }

  asio::awaitable<Status> UploadAttachments(FramedStream& io) {
    attach::UploadOptions options;
    options.attachments_dir = opt_.attachments_dir;
    options.max_frame_bytes = limits_.max_frame_bytes();
    options.io_timeout = opt_.io_timeout;
    options.cancel = opt_.cancel;
    options.now_ms = SystemClock().NowMs();
    attach::UploadReport sent;
    Status s = co_await attach::UploadPending(io, store_, options, &sent);
    report_.attachments_stored = sent.stored;
    report_.attachment_bytes_sent = sent.bytes_sent;
    report_.attachments_refused = sent.refused;
    co_return s;
  }

  Status QueuePull(uint64_t from) {
    sync::Frame f;
    f.mutable_pull_request()->set_cursor(from);
    f.mutable_pull_request()->set_max_records(
        limits_.max_pull_records() ? std::min(opt_.pull_batch, limits_.max_pull_records()) : opt_.pull_batch);
    // Every request of the round names the same expectations: a record may
    // reach its last state on any page.
    own_echo_.AddTo(f.mutable_pull_request());
    pull_outstanding_ = true;
    pull_requested_once_ = true;
    return io_->Queue(f);
  }

  // Every flight sent, but the closing one, is answered by the server:
  // that is what round_trips counts (a pull page answering a request that
  // rode in an earlier flight is not another round trip).
  asio::awaitable<void> Flush() {
    if (io_->queued_bytes() == 0) co_return;
    if (!closing_) ++report_.round_trips;
    Status s = co_await io_->Flush(opt_.io_timeout);
    if (!s.ok()) status_ = s;
  }

  void Progress() {
    if (opt_.on_progress) opt_.on_progress(report_.progress);
  }

  ClientStore& store_;
  const DeviceProof& proof_;
  const SyncOptions& opt_;
  FramedStream* io_ = nullptr;
  PullWriter* writer_ = nullptr;  // SyncWith's, for the round's pulled pages
  sync::ServerLimits limits_;  // the server's, as last announced (see Run)
  Status status_;
  uint64_t acked_ = 0;
  uint64_t sent_through_ = 0;
  uint64_t cursor_ = 0;
  OwnEchoExpectation own_echo_;
  uint64_t synced_at_bytes_ = 0;  // io.bytes_in() at the last synced page
  size_t in_flight_ = 0;
  bool push_exhausted_ = false;
  bool pull_outstanding_ = false;
  bool pull_requested_once_ = false;
  bool pull_done_ = false;
  bool closing_ = false;
};

// Free coroutines, not coroutine lambdas: GCC 12 mishandles lambda captures
// in coroutines. Everything referenced outlives io.run().
// `answered`: the TLS handshake succeeded, so this address is the server
// (whatever happens next, another address would not do better).
asio::awaitable<void> SyncMain(TlsStream& tls, std::string host, uint16_t port, Round& round, PullWriter& writer,
                               const SyncOptions& options, Status& result, bool& answered) {
  Status s = co_await net::Connect(tls, host, port, options.connect_timeout);
  if (s.ok()) s = co_await net::TlsHandshake(tls, asio::ssl::stream_base::client, options.connect_timeout);
  answered = s.ok();
  if (s.ok()) s = co_await round.Run(tls, writer);
  if (s.ok()) co_await net::TlsShutdown(tls, std::chrono::milliseconds(1000));
  result = s;
}

asio::awaitable<void> EnrollMain(TlsStream& tls, std::string host, uint16_t port, std::string ca_fingerprint,
                                 std::string secret, const crypto::PrivateKey& key, std::string label,
                                 std::chrono::milliseconds timeout, Result<EnrollResult>& result, bool& answered) {
        Status s = co_await net::Connect(tls, host, port, timeout);
        if (s.ok()) s = co_await net::TlsHandshake(tls, asio::ssl::stream_base::client, timeout);
        if (!s.ok()) {
          result = s;
          co_return;
        }
        // Pin before anything is sent: the server must prove it is the committee's.
        auto ca = net::VerifyPinnedChain(tls.native_handle(), ca_fingerprint, host);
        if (!ca.ok()) {
          result = Status::Unauthenticated("the server at " + net::FormatHostPort(host, port) +
                                           " is not the committee's server: " + ca.status().message());
          co_return;
        }
        // The committee's server answered: from here on its word is final (the
        // code may be used up), so no other address is tried.
        answered = true;
        FramedStream io_stream(tls);
        sync::Frame f;
        auto* req = f.mutable_enroll();
        req->set_code(secret);
        req->set_public_key(key.PublicKeyRaw());
        req->set_proof(key.Sign(crypto::kEnrollContext, net::ExportAuthBinding(tls.native_handle())));
        req->set_label(label);
        s = co_await io_stream.Write(f, timeout);
        if (!s.ok()) {
          result = s;
          co_return;
        }
        auto reply = co_await io_stream.Read(timeout);
        if (!reply.ok()) {
          result = reply.status();
          co_return;
        }
        if (reply->has_error()) {
          result = Status::Denied("enrollment refused: " + reply->error().message());
          co_return;
        }
        if (!reply->has_enroll_reply()) {
          result = Status::Invalid("unexpected answer to enrollment");
          co_return;
        }
        EnrollResult r;
        r.device_id = reply->enroll_reply().device_id();
        r.ward = reply->enroll_reply().ward();
        r.role = reply->enroll_reply().role();
        r.ca_pem = *ca;
        r.host = host;
        r.port = port;
        result = r;
        co_await net::TlsShutdown(tls, std::chrono::milliseconds(1000));
      }

}  // namespace

Result<SyncReport> RunSync(ClientStore& store, const crypto::PrivateKey& key, const SyncOptions& options) {
  auto state = store.State();
  if (!state.ok()) return state.status();
  if (state->rotation_seq() > state->acked_seq()) {
    return Status::Precondition("a key rotation of this device waits for the server: this sync needs the old and "
                                "the new key (client::SyncDevice)");
  }
  return RunSync(store, DeviceProof{&key, state->key_epoch(), nullptr}, options);
}

namespace {

// One round against one address of the server. `answered`: see SyncMain.
Status SyncWith(ClientStore& store, const store::ClientConfig& cfg, const std::string& address,
                asio::ssl::context& tls_ctx, Round& round, const SyncOptions& options, bool& answered) {
  auto hp = net::ParseHostPort(address);
  if (!hp.ok()) return hp.status();
  asio::io_context io;
  TlsStream tls(io, tls_ctx);
  // `server_name` was fixed at enrollment for the first address; every other
  // address is checked against its own host name.
  const std::string name = address == cfg.server() && !cfg.server_name().empty() ? cfg.server_name() : hp->first;
  WS_RETURN_IF_ERROR(net::SetExpectedHost(tls.native_handle(), name));
  if (options.compression) WS_RETURN_IF_ERROR(net::OfferZstdFirstFlight(tls.native_handle()));
  // A stored session is offered only to the server and CA it was made
  // with; the server may still decline it (e.g. after a restart: new
  // ticket keys), and the handshake is then a full one.
  const std::string session_tag = crypto::Sha256(address + '\0' + name + '\0' + cfg.ca_pem());
  if (auto saved = store.TlsSession(); saved.ok() && saved->size() > session_tag.size() &&
                                       saved->compare(0, session_tag.size(), session_tag) == 0) {
    net::RestoreSession(tls.native_handle(), std::string_view(*saved).substr(session_tag.size()));
  }
  Status result = Status::Internal("sync did not run");
  // Cancellation (agent stopping): checked every 100 ms; closing the socket
  // ends whatever read or write is in flight at once.
  asio::steady_timer watchdog(io);
  std::function<void()> arm = [&] {
    watchdog.expires_after(std::chrono::milliseconds(100));
    watchdog.async_wait([&](const asio::error_code& ec) {
      if (ec) return;
      if (options.cancel->load()) {
        asio::error_code ignored;
        tls.lowest_layer().close(ignored);
        return;
      }
      arm();
    });
  };
  if (options.cancel) arm();
  // After io: destroyed (its thread joined) before io is.
  PullWriter writer(store, io);
  asio::co_spawn(io, SyncMain(tls, hp->first, hp->second, round, writer, options, result, answered),
                 [&](std::exception_ptr e) {
                   watchdog.cancel();
                   if (e) result = Status::Internal("sync failed unexpectedly");
                 });
  io.run();
  // Kept even if the round failed later: the session itself is sound.
  // Ignored on purpose: a session that cannot be stored only costs the next
  // round a full handshake.
  if (!round.session_.empty()) (void)store.SaveTlsSession(session_tag + round.session_);
  round.report_.tls_resumed = SSL_session_reused(tls.native_handle()) == 1;
  return result;
}

}  // namespace

Result<SyncReport> RunSync(ClientStore& store, const DeviceProof& proof, const SyncOptions& options) {
  if (proof.key == nullptr) return Status::Invalid("sync needs the device key");
  auto cfg = store.Config();
  if (!cfg.ok()) return cfg.status();
  auto tls_ctx = net::MakeClientTlsContext(cfg->ca_pem());
  if (!tls_ctx.ok()) return tls_ctx.status();
  // The address that answered last first, then the others in their order:
  // after a failover the device goes straight to the server that took over.
  auto preferred = store.PreferredServer();
  const std::vector<std::string> order = ServersToTry(*cfg, preferred.ok() ? *preferred : std::string());
  Round round(store, proof, options);
  Status result = Status::Unavailable("no server address configured");
  std::string unreachable;  // what each address that did not answer said
  bool answered = false;
  for (const std::string& address : order) {
    result = SyncWith(store, *cfg, address, **tls_ctx, round, options, answered);
    if (answered) {
      if (preferred.ok() && *preferred != address) (void)store.SavePreferredServer(address);  // a hint only
      break;
    }
    if (options.cancel && options.cancel->load()) break;
    unreachable += (unreachable.empty() ? "" : "; ") + result.message();
  }
  if (!result.ok() && options.cancel && options.cancel->load()) return Status::Deadline("sync cancelled");
  if (!answered && order.size() > 1) {
    return Status(result.code(), "no address of the server answered: " + unreachable);
  }
  if (!result.ok()) return result;
  return round.report_;
}

Result<EnrollResult> Enroll(const std::string& host, uint16_t port, const std::string& ca_fingerprint,
                            const std::string& secret, const crypto::PrivateKey& key, const std::string& label,
                            std::chrono::milliseconds timeout, bool* answered) {
  auto tls_ctx = net::MakeEnrollTlsContext();
  if (!tls_ctx.ok()) return tls_ctx.status();
  asio::io_context io;
  TlsStream tls(io, **tls_ctx);
  Result<EnrollResult> result = Status::Internal("enrollment did not run");
  bool reached = false;
  asio::co_spawn(io, EnrollMain(tls, host, port, ca_fingerprint, secret, key, label, timeout, result, reached),
                 asio::detached);
  io.run();
  if (answered) *answered = reached;
  return result;
}

}  // namespace wardsync::client

#include "server/net/session.h"

#include <algorithm>
#include <chrono>

#include "common/changes/changeset.h"
#include "common/crypto/digest.h"
#include "common/crypto/ed25519.h"
#include "common/net/framed_stream.h"
#include "common/net/proven_session.h"
#include "common/net/tls_context.h"
#include "common/store/proto_io.h"
#include "common/util/log.h"
#include "common/util/log_limiter.h"
#include "common/util/log_text.h"
#include "common/version.h"
#include "common/wire/protocol_limits.h"
#include "server/attach/upload_session.h"
#include "server/enroll/enrollment.h"
#include "server/ingest/authorizer.h"
#include "server/ingest/device_keys.h"
#include "server/ingest/drain.h"
#include "server/metrics/server_metrics.h"
#include "server/net/offload.h"
#include "server/net/sync_server.h"
#include "server/pull/pull_frame.h"
#include "server/pull/shared_pages.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

namespace sync = wardsync::sync;

namespace {

sync::Frame ErrorFrame(sync::ErrorCode code, const std::string& message, uint64_t seq = 0) {
  sync::Frame f;
  f.mutable_error()->set_code(code);
  f.mutable_error()->set_message(message);
  f.mutable_error()->set_seq(seq);
  return f;
}

// The log line keeps the outcome's text; the metric only its kind.
SyncOutcome OutcomeKind(std::string_view outcome) {
  if (outcome == "ok") return SyncOutcome::kOk;
  if (outcome.rfind("refused", 0) == 0) return SyncOutcome::kRefused;
  if (outcome == "drained") return SyncOutcome::kDrained;
  if (outcome == "protocol error") return SyncOutcome::kProtocolError;
  if (outcome == "pull failed") return SyncOutcome::kPullFailed;
  return SyncOutcome::kClosed;
}

HelloRefusal RefusalKind(sync::ErrorCode code) {
  switch (code) {
    case sync::REVOKED: return HelloRefusal::kRevoked;
    case sync::LIMIT_EXCEEDED: return HelloRefusal::kConnectionLimit;
    case sync::UNSUPPORTED_VERSION: return HelloRefusal::kVersion;
    default: return HelloRefusal::kAuth;
  }
}

// The longest a sync holds back at once for handshakes in progress: past
// it the sync goes on, so a stream of handshakes never starves it.
constexpr std::chrono::milliseconds kMaxHoldBack{2'000};

}  // namespace

// Before a device is proven, lines are budgeted per peer address (its port
// left out: one host, one budget); after, per device.
void Session::LogFromPeer(const std::string& text) {
  server_.log_limiter().Log(peer_.substr(0, peer_.rfind(':')), text);
}

void Session::LogFromDevice(const std::string& device_id, const std::string& text) {
  server_.log_limiter().Log("device " + device_id, text);
}

Session::Session(SyncServer& server, Stream stream, std::string peer)
    : server_(server), stream_(std::move(stream)), peer_(std::move(peer)), push_wake_(stream_.get_executor()) {}

Session::~Session() {
  for (uint64_t held : push_held_) server_.budget().Give(held);
}

// A free coroutine taking the owner by value keeps the session alive for the
// whole connection (no coroutine lambda: GCC 12 mishandles their captures).
static asio::awaitable<void> RunSession(std::shared_ptr<Session> self, asio::awaitable<void> body) {
  co_await std::move(body);
}

void Session::Start() {
  auto self = shared_from_this();
  asio::co_spawn(stream_.get_executor(), RunSession(self, Run()), asio::detached);
}

void Session::Close() {
  auto self = shared_from_this();
  asio::post(stream_.get_executor(), [self] {
    asio::error_code ignored;
    self->stream_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    self->stream_.lowest_layer().close(ignored);
  });
}

asio::awaitable<void> Session::Run() {
  try {
    co_await Serve();
  } catch (const std::exception& e) {
    LogFromPeer("session " + peer_ + " ended by exception: " + e.what());
  }
  asio::error_code ignored;
  stream_.lowest_layer().close(ignored);
  server_.Forget(this);
}

asio::awaitable<void> Session::Serve() {
  const auto& limits = server_.ctx().limits;
  const auto started = Clock_::now();
  Status hs = co_await net::TlsHandshake(stream_, asio::ssl::stream_base::server, limits.handshake_timeout);
  if (!hs.ok()) {
    LogFromPeer("refused " + peer_ + ": TLS handshake failed: " + hs.message());
    if (auto* m = server_.ctx().metrics) m->HelloRefused(HelloRefusal::kTlsHandshake);
    co_return;
  }
  const std::string binding = net::ExportAuthBinding(stream_.native_handle());
  net::FramedStream io(stream_, limits.max_frame_bytes);
  // Before the device is known: one deadline for the handshake and the
  // first frame together, and that frame (hello or enroll) small.
  io.SetMaxReadFrameBytes(wire::kMaxFirstFrameBytes);
  io.SetReadBounds({0, 0, wire::kMaxFirstFrameBytes});
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(Clock_::now() - started);
  const auto left = std::max(std::chrono::milliseconds(1), limits.handshake_timeout - spent);

  auto first = co_await io.Read(left, left);
  if (!first.ok()) {
    LogFromPeer("refused " + peer_ + ": no hello: " + first.status().message());
    if (auto* m = server_.ctx().metrics) m->HelloRefused(HelloRefusal::kNoHello);
    co_return;
  }
  if (first->has_enroll()) {
    co_await ServeEnroll(io, first->enroll(), binding);
    co_return;
  }
  if (!first->has_hello()) {
    LogFromPeer("refused " + peer_ + ": first frame is not hello");
    if (auto* m = server_.ctx().metrics) m->HelloRefused(HelloRefusal::kNoHello);
    co_await io.Write(ErrorFrame(sync::PROTOCOL_ORDER, "the first frame must be hello or enroll"), limits.write_timeout);
    co_return;
  }
  auto device = co_await ServeHello(io, first->hello(), binding);
  if (!device) co_return;
  co_await ServeFrames(io, *device, started);
}

// ---- enrollment: one request, one answer, and the connection ends ----
asio::awaitable<void> Session::ServeEnroll(net::FramedStream& io, const sync::EnrollRequest& req,
                                           const std::string& binding) {
  ServerContext& ctx = server_.ctx();
  const auto& limits = ctx.limits;
  if (!crypto::Verify(req.public_key(), crypto::kEnrollContext, binding, req.proof())) {
    LogFromPeer("refused enrollment from " + peer_ + ": key proof does not verify");
    co_await io.Write(ErrorFrame(sync::ENROLL_REFUSED, "proof of key possession does not verify"),
                      limits.write_timeout);
    co_return;
  }
  if (req.label().size() > limits.max_label_bytes) {
    const std::string why = "device label of " + std::to_string(req.label().size()) + " bytes exceeds the limit of " +
                            std::to_string(limits.max_label_bytes) + " bytes; the code was not used";
    util::LogLine("refused enrollment from " + peer_ + ": " + why);
    co_await io.Write(ErrorFrame(sync::LIMIT_EXCEEDED, why), limits.write_timeout);
    co_return;
  }
  // Named, not inline in the co_await (GCC 12 coroutine bug, see offload.h).
  auto redeem = [req](Ingestor& ing) {
    return RedeemEnrollCode(ing.ctx(), req.code(), req.public_key(), req.label());
  };
  auto device = co_await RunExclusive(server_.committer(), redeem);
  if (!device.ok()) {
    LogFromPeer("refused enrollment from " + peer_ + ": " + device.status().message());
    co_await io.Write(ErrorFrame(sync::ENROLL_REFUSED, device.status().message()), limits.write_timeout);
    co_return;
  }
  sync::Frame reply;
  auto* r = reply.mutable_enroll_reply();
  r->set_device_id(device->id());
  r->set_ward(device->ward());
  r->set_role(device->role());
  r->set_server_time_ms(ctx.clock.NowMs());
  co_await io.Write(reply, limits.write_timeout);
  util::LogEvent("enrolled device " + device->id(),
                 {{"ward", device->ward()}, {"role", device->role()}, {"from", peer_}});
}

// ---- hello: version, device, proof, and the reply ----
asio::awaitable<std::optional<wardsync::store::Device>> Session::ServeHello(net::FramedStream& io,
                                                                            const sync::Hello& hello,
                                                                            const std::string& binding) {
  ServerContext& ctx = server_.ctx();
  const auto& limits = ctx.limits;
  const uint32_t version = std::min<uint32_t>(hello.max_version(), kProtocolVersion);
  if (version < std::max<uint32_t>(hello.min_version(), kMinProtocolVersion) || hello.min_version() > hello.max_version()) {
    LogFromPeer("refused " + peer_ + ": no common protocol version");
    if (ctx.metrics) ctx.metrics->HelloRefused(HelloRefusal::kVersion);
    co_await io.Write(ErrorFrame(sync::UNSUPPORTED_VERSION,
                                 "server speaks protocol " + std::to_string(kMinProtocolVersion) + ".." +
                                     std::to_string(kProtocolVersion)),
                      limits.write_timeout);
    co_return std::nullopt;
  }
  const std::string device_id = hello.device_id();
  auto load_device = [&ctx, device_id]() -> Result<wardsync::store::Device> {
    wardsync::store::Device d;
    Status s = GetProto(ctx.store, keys::Device(device_id), &d);
    if (!s.ok()) return s;
    return d;
  };
  auto loaded = co_await Offload(server_.store_pool(), load_device);
  auto refuse = [&](sync::ErrorCode code, const std::string& why) {
    // Not authenticated yet: the id is only what the peer claims.
    LogFromPeer("refused device " + util::LogText(device_id) + " from " + peer_ + ": " + util::LogText(why, 300));
    if (ctx.metrics) ctx.metrics->HelloRefused(RefusalKind(code));
    return io.Write(ErrorFrame(code, why), limits.write_timeout);
  };
  if (!loaded.ok()) {
    // Named first: GCC 12 destroys a ?: temporary it never built when the
    // conditional sits inside a co_await expression (a hello naming an
    // unknown device crashed the server with "munmap_chunk(): invalid pointer").
    const std::string why = loaded.status().not_found() ? "unknown device" : loaded.status().message();
    co_await refuse(sync::AUTH_FAILED, why);
    co_return std::nullopt;
  }
  wardsync::store::Device device = std::move(loaded).value();
  // A session this device proved its current key on needs no second proof
  // (common/net/proven_session.h); anything else is verified.
  const auto proven_before = net::ResumedProvenDevice(stream_.native_handle());
  // By value: `device` may be replaced below (a drain).
  std::optional<uint64_t> latest_epoch;
  if (const auto* latest = LatestKey(device)) latest_epoch = latest->epoch();
  const bool by_session = proven_before && latest_epoch && proven_before->device_id == device.id() &&
                          proven_before->key_epoch == *latest_epoch;
  const Status proof = by_session ? Status::Ok() : CheckHelloProof(device, hello, binding);  // latest key; see device_keys.h
  if (device.revoked() && !device.drain()) {
    co_await refuse(sync::REVOKED, RevokedMessage(device));
    co_return std::nullopt;
  }
  if (!proof.ok()) {
    co_await refuse(sync::AUTH_FAILED, proof.message());
    co_return std::nullopt;
  }
  if (ctx.metrics) ctx.metrics->HelloProven(by_session);
  if (const size_t report = hello.report().ByteSizeLong(); report > limits.max_report_bytes) {
    // Stored with the device and shown by `devices`: bounded like any
    // client-supplied size (an honest client trims its report to fit).
    const std::string why = "device report of " + std::to_string(report) + " bytes exceeds the limit of " +
                            std::to_string(limits.max_report_bytes) + " bytes";
    co_await refuse(sync::LIMIT_EXCEEDED, why);
    co_return std::nullopt;
  }
  if (device.revoked()) {
    // `revoke --drain`: the first proven hello fixes what it may still push,
    // a later one may end the drain (server/ingest/drain.h). Named first
    // (GCC 12 coroutine bug, see offload.h).
    auto decide = [device_id, acked = hello.acked_seq(), depth = hello.report().queue_depth()](Ingestor& ing) {
      return DrainAtHello(ing.ctx(), device_id, acked, depth);
    };
    auto decided = co_await RunExclusive(server_.committer(), decide);
    const bool admit = decided.ok() && decided->admit;
    const std::string why = decided.ok() ? decided->why : decided.status().message();
    if (!admit) {
      co_await refuse(sync::REVOKED, why);
      co_return std::nullopt;
    }
    device = decided->device;
    LogFromDevice(device_id, "draining revoked device " + device_id + ": takes up to seq " +
                  std::to_string(device.drain_until_seq()));
  }
  if (!server_.AttachDevice(shared_from_this(), device_id)) {
    co_await refuse(sync::LIMIT_EXCEEDED, "too many connections for this device");
    co_return std::nullopt;
  }
  server_.committer().NoteContact(device_id, hello.report());

  auto forms = ctx.forms.Get();
  sync::Frame reply;
  auto* hr = reply.mutable_hello_reply();
  hr->set_version(version);
  hr->set_server_seq(device.last_seq());
  hr->set_server_hash(device.last_hash());
  hr->set_ward(device.ward());
  hr->set_role(device.role());
  hr->set_server_time_ms(ctx.clock.NowMs());
  hr->set_max_clock_skew_ms(limits.max_clock_skew_ms);
  hr->set_forms_epoch(forms->epoch);
  hr->set_log_head(server_.committer().log_head());
  *hr->mutable_limits() = Announced(limits);  // the client keeps to them (PROTOCOL.md, Limits)
  // Compression both ways from this reply on, if the client offered it
  // (common/wire/compression.h; FramedStream does the rest).
  // Or agreed in the TLS handshake, for the frames of the first flight
  // that follow the hello (net::ZstdFirstFlightAgreed; the hello itself,
  // read before this, is never compressed).
  const bool zstd = (hello.accept_zstd() || net::ZstdFirstFlightAgreed(stream_.native_handle())) && limits.zstd;
  hr->set_zstd(zstd);
  io.AcceptCompressed(zstd);
  io.SendCompressed(zstd);
  compressed_ = zstd;
  if (hello.forms_epoch() != forms->epoch) {
    for (const auto* f : forms->registry.Published()) *hr->add_forms() = *f;
    for (const auto* l : forms->registry.ChoiceLists()) *hr->add_choice_lists() = *l;
    *hr->mutable_wards() = forms->wards;
  }
  // Proven: the full frame limit from now on, with the counts and sizes of
  // each kind of frame checked before it is parsed (frame_scan.h).
  io.SetMaxReadFrameBytes(limits.max_frame_bytes);
  io.SetReadBounds({limits.max_changesets_per_push, limits.max_changeset_bytes + kChangeSetFraming,
                    wire::kMaxSmallFrameBytes,
                    attach::MaxChunkBytesFor(limits.max_frame_bytes) + attach::kChunkFraming});
  // Proven by signature: the session remembers it, and its ticket goes out
  // with the reply (the server sends no ticket before a proof).
  if (!by_session && latest_epoch) net::IssueProvenTicket(stream_.native_handle(), device_id, *latest_epoch);
  if (!(co_await io.Write(reply, limits.write_timeout)).ok()) co_return std::nullopt;
  co_return device;
}

// ---- push / pull until the client is done ----
asio::awaitable<void> Session::ServeFrames(net::FramedStream& io, const wardsync::store::Device& device,
                                           Clock_::time_point started) {
  const auto& limits = server_.ctx().limits;
  const std::string& device_id = device.id();
  uint64_t records_out = 0;
  PushTally tally;
  std::string& outcome = tally.outcome;
  const std::string scope = ReadScope(device);
  attach::UploadSession uploads(server_.attachments(), server_.ctx().store, server_.store_pool(), device_id, scope,
                                limits.max_frame_bytes, limits.write_timeout);
  for (;;) {
    if (pushes_in_flight_ > 0) {
      // Pipelining: while the client's next frame is already arriving (it
      // sends its push window back to back) and there is room, read it
      // rather than wait, so its transfer and parse overlap this ingest and
      // pushes can share a group commit; otherwise wait for the oldest push.
      // Either way every ack goes out as soon as its push is durable, and
      // never waits behind a frame the client has not sent.
      const bool read_on = pushes_in_flight_ < kMaxPushesInFlight && io.InputPending();
      const size_t leave = read_on ? pushes_in_flight_ : pushes_in_flight_ - 1;
      if (!(co_await AckPushes(io, device_id, device.ward(), tally, leave)).ok()) break;
      if (!read_on) continue;
    }
    auto frame = co_await io.Read(limits.idle_timeout, limits.read_timeout);
    if (!frame.ok()) {
      if (frame.status().code() == Status::Code::kResourceExhausted) {
        // Over a count or size of the protocol, found before parsing: said
        // to the device (an honest one keeps to HelloReply.limits).
        const std::string why = frame.status().message();
        co_await io.Write(ErrorFrame(sync::LIMIT_EXCEEDED, why), limits.write_timeout);
      }
      if (frame.status().code() != Status::Code::kUnavailable) outcome = "closed: " + frame.status().message();
      break;
    }
    // Handshakes first (handshake_priority.h): a fleet connecting at once
    // gets through its deadlines before this sync's next push or page.
    if (frame->has_push() || frame->has_pull_request()) {
      co_await server_.handshakes().Yield(kMaxHoldBack);
    }
    if (frame->has_push()) {
      // Held against the budget of all connections until acknowledged:
      // the frame's bytes and its bodies parsed on an arena (~5 times their
      // wire size: submission.cc). Taken as an estimate before the parse,
      // set to what the arena really holds after it (ServePush).
      const uint64_t wire = frame->push().ByteSizeLong();
      // A push larger than the whole budget goes alone rather than never.
      const uint64_t held = std::min(6 * wire, server_.budget().max());
      if (!server_.budget().TryTake(held)) {
        // Wait for room, but first let this device's own pushes in flight
        // finish: their budget comes back only as they are acknowledged,
        // and a session waiting on itself would wait out its whole turn.
        if (pushes_in_flight_ > 0 && !(co_await AckPushes(io, device_id, device.ward(), tally, 0)).ok()) break;
        const bool taken = co_await server_.budget().Take(held, limits.budget_wait);
        if (!taken) {
          co_await io.Write(ErrorFrame(sync::BUSY, BudgetBusy(server_.budget(), held, limits.budget_wait)),
                            limits.write_timeout);
          outcome = "busy";
          break;
        }
      }
      const uint64_t prepared = ServePush(device_id, *frame->mutable_push());
      // Only the difference moves: more is counted without waiting (it is
      // in memory already), less is given back to those waiting.
      const uint64_t real = wire + prepared;
      if (real > held) server_.budget().Charge(real - held);
      else server_.budget().Give(held - real);
      push_held_.push_back(real);
      continue;
    }
    // Every other frame comes after the pushes before it (a pull must see them).
    if (pushes_in_flight_ > 0 && !(co_await AckPushes(io, device_id, device.ward(), tally, 0)).ok()) break;
    if (frame->has_bye()) break;
    if (frame->has_pull_request() && device.revoked()) {
      // A draining device only hands in what it holds; it gets nothing more.
      const std::string why =
          RevokedMessage(device) + " (draining: its pending change-sets are taken, nothing is sent to it)";
      co_await io.Write(ErrorFrame(sync::REVOKED, why), limits.write_timeout);
      outcome = "drained";
      break;
    }
    if (frame->has_pull_request()) {
      if (!(co_await ServePull(io, frame->pull_request(), device_id, scope, records_out, outcome))) break;
      continue;
    }
    if (attach::UploadSession::Handles(*frame)) {  // attachment bytes (server/attach)
      if (!(co_await uploads.Serve(io, *frame, outcome))) break;
      continue;
    }
    co_await io.Write(ErrorFrame(sync::PROTOCOL_ORDER, "unexpected frame after hello"), limits.write_timeout);
    outcome = "protocol error";
    break;
  }
  // Pushes the committer still holds finish (and are counted) even if the
  // client has gone; their acks are sent if the connection still takes them.
  if (pushes_in_flight_ > 0) co_await AckPushes(io, device_id, device.ward(), tally, 0);
  const uint64_t cs_in = tally.change_sets;
  const auto elapsed = Clock_::now() - started;
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  util::LogEvent("sync", {{"device", device_id},
                          {"ward", device.ward()},
                          {"in", cs_in},
                          {"out", records_out},
                          {"attachments", uploads.stored()},
                          {"bytes_in", uint64_t{io.bytes_in()}},
                          {"bytes_out", uint64_t{io.bytes_out()}},
                          {"ms", ms},
                          {"outcome", outcome}});
  if (auto* m = server_.ctx().metrics) {
    m->SyncFinished(OutcomeKind(outcome), std::chrono::duration<double>(elapsed).count(), io.bytes_in(),
                    io.bytes_out());
  }
}

// ---- push: handed to the group committer; acked by AckPushes, in order ----
uint64_t Session::ServePush(const std::string& device_id, sync::Push& push) {
  Submission sub;
  sub.device_id = device_id;
  auto* sets = push.mutable_change_sets();
  sub.change_sets.reserve(sets->size());
  for (auto& cs : *sets) sub.change_sets.push_back(std::move(cs));  // moved, not copied
  // Parse, hash and check content here, on an io thread, not on the single committer thread.
  const wire::ContentLimits limits = ContentOf(server_.ctx().limits);
  Prepare(sub, server_.ctx().forms.Get(), &limits);
  const uint64_t arena_bytes = sub.arena ? sub.arena->SpaceAllocated() : 0;
  SubmitPush(std::move(sub));
  return arena_bytes;
}

// ---- pull: one bounded page; false if the connection is done ----
asio::awaitable<bool> Session::ServePull(net::FramedStream& io, const sync::PullRequest& request,
                                         const std::string& device_id, const std::string& scope,
                                         uint64_t& records_out, std::string& outcome) {
  ServerContext& ctx = server_.ctx();
  const auto& limits = ctx.limits;
  const uint64_t cursor = request.cursor();
  uint32_t max = request.max_records();
  if (max == 0 || max > limits.max_pull_records) max = limits.max_pull_records;
  const uint64_t head = server_.committer().log_head();
  // The page is encoded on the store pool straight from the stored
  // record bytes (no parse, no re-serialization; see pull_frame.h) and
  // bounded in bytes as well as by `max`.
  const uint32_t frame_limit = limits.max_frame_bytes;
  const uint64_t record_limit = limits.max_record_bytes;
  // Held against the budget of all connections until the page is sent:
  // the raw records and the encoded page (pull_frame.h bounds both).
  // Waits its turn behind other devices' pages while the budget is full.
  MemoryHold hold(server_.budget());
  const uint64_t reserve = 2ull * std::min<uint64_t>(frame_limit, kMaxPullPageBytes);
  const bool reserved = co_await server_.budget().Take(reserve, limits.budget_wait);
  if (reserved) hold.Adopt(reserve);
  if (!reserved) {
    co_await io.Write(ErrorFrame(sync::BUSY, BudgetBusy(server_.budget(), reserve, limits.budget_wait)),
                      limits.write_timeout);
    outcome = "busy";
    co_return false;
  }
  // Own changes not echoed (own_echo_page.h): the device's digests of the
  // records it expects; more than the protocol allows is a malformed request.
  if (request.own_digests_size() > static_cast<int>(wire::kMaxOwnDigests)) {
    const std::string why = "pull request carries " + std::to_string(request.own_digests_size()) +
                            " own digests, more than " + std::to_string(wire::kMaxOwnDigests);
    co_await io.Write(ErrorFrame(sync::BAD_FRAME, why), limits.write_timeout);
    outcome = "bad pull request";
    co_return false;
  }
  auto own = std::make_shared<OwnEchoAsk>();
  own->range = {device_id, request.own_from_seq(), request.own_to_seq()};
  if (request.own_from_seq() > 0 && request.own_from_seq() <= request.own_to_seq()) {
    for (int i = 0; i < request.own_digests_size(); ++i) {
      own->index.emplace(request.own_digests(i), static_cast<uint32_t>(i));
    }
  }
  // A page of a ward may be shared with the ward's other devices: cut at
  // the same log positions, compressed once (server/pull/shared_pages.h).
  // Its payload then comes sealed, and FramedStream sends it as it is.
  PullAsk ask{scope, cursor, max, frame_limit, head, record_limit, nullptr, compressed_};
  SharedPullPages* shared = &server_.shared_pages();
  auto read_page = [&ctx, ask, own, shared] {
    // One read view for the page: its log scan and the records it names
    // agree (kv_store.h, "Read views"), whatever commits meanwhile.
    auto view = ctx.store.NewReadView();
    PullAsk with_own = ask;
    with_own.own = own->empty() ? nullptr : own.get();
    return shared->Read(*view, with_own);
  };
  auto page = co_await Offload(server_.store_pool(), read_page);
  if (!page.ok()) {
    LogFromDevice(device_id, "pull failed for device " + device_id + ": " + page.status().message());
    co_await io.Write(ErrorFrame(sync::INTERNAL, "pull failed: " + page.status().message()), limits.write_timeout);
    outcome = "pull failed";
    co_return false;
  }
  records_out += page->records;
  if (ctx.metrics) ctx.metrics->RecordsPulled(page->records);
  for (const auto& skip : page->skipped) {
    // Never fails the sync: the rest of the scope still goes out.
    std::string why = ": quarantined";
    if (!skip.quarantined) {
      why = ": " + std::to_string(skip.bytes) + " bytes, over the record limit of " +
            std::to_string(limits.max_record_bytes) + " (wardsync-server quarantine it, or raise --max-record-bytes)";
    }
    util::LogLine("pull of device " + device_id + " skipped record " + crypto::Hex(skip.record_id) + why);
  }
  Status queued = io.QueuePayload(page->payload);
  std::string().swap(page->payload);  // only the send buffer holds the page while it goes out
  // The raw records are gone; only the queued page is held until it is sent.
  hold.ShrinkTo(io.queued_bytes());
  if (!queued.ok() || !(co_await io.Flush(limits.write_timeout)).ok()) co_return false;
  co_return true;
}

void Session::SubmitPush(Submission sub) {
  ++pushes_in_flight_;
  auto self = shared_from_this();
  // Runs on the committer thread once the outcome is durable (or refused);
  // the committer finishes submissions in order, and so do these posts.
  server_.committer().Submit(std::move(sub), [self](SubmissionResult r) {
    asio::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable {
      self->push_results_.push_back(std::move(r));
      self->push_wake_.cancel();
    });
  });
}

asio::awaitable<SubmissionResult> Session::NextPushResult() {
  // Results are only added on this strand, so none can slip in between the
  // check and the wait; a post that comes later cancels the wait.
  while (push_results_.empty()) {
    push_wake_.expires_at(asio::steady_timer::time_point::max());
    asio::error_code ignored;
    co_await push_wake_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  SubmissionResult r = std::move(push_results_.front());
  push_results_.pop_front();
  --pushes_in_flight_;
  server_.budget().Give(push_held_.front());
  push_held_.pop_front();
  co_return r;
}

asio::awaitable<Status> Session::AckPushes(net::FramedStream& io, const std::string& device_id,
                                           const std::string& ward, PushTally& tally, size_t leave_in_flight) {
  const auto timeout = server_.ctx().limits.write_timeout;
  Status written;
  while (!push_results_.empty() || pushes_in_flight_ > leave_in_flight) {
    // Acks already known go out before waiting for the next push.
    if (push_results_.empty() && written.ok()) written = co_await io.Flush(timeout);
    SubmissionResult res = co_await NextPushResult();
    tally.change_sets += res.accepted;
    sync::Frame ack;
    ack.mutable_push_ack()->set_acked_seq(res.acked_seq);
    // A frame that cannot be queued (over the frame limit) ends the session
    // like a failed write: the device resends what it did not see acknowledged.
    if (Status q = io.Queue(ack); !q.ok() && written.ok()) written = q;
    if (res.rejected > 0) {
      LogFromDevice(device_id, "device " + device_id + " (ward " + ward + "): " + std::to_string(res.rejected) +
                    " change(s) accepted into its chain but rejected, kept for review (wardsync-server conflicts)");
    }
    if (!res.ok()) {
      LogFromDevice(device_id, "refused change-set " + std::to_string(res.error_seq) + " of device " + device_id +
                                   " (ward " + ward + "): " + util::LogText(res.message, 300));
      if (Status q = io.Queue(ErrorFrame(res.error, res.message, res.error_seq)); !q.ok() && written.ok()) written = q;
      tally.outcome = "refused: " + res.message;
    }
  }
  if (written.ok()) written = co_await io.Flush(timeout);
  co_return written;
}

}  // namespace wardsync::server

#include "tests/integration/core/raw_client.h"

#include "common/changes/changeset.h"
#include "common/clock/clock.h"
#include "common/clock/hlc.h"
#include "common/net/tls_context.h"
#include "common/version.h"

namespace wardsync::test {

namespace {

constexpr auto kTimeout = std::chrono::seconds(10);

// Free coroutines with parameters (GCC 12: no capturing coroutine lambdas).
asio::awaitable<Status> Handshake(net::TlsStream& tls, uint16_t port) {
  Status s = co_await net::Connect(tls, "127.0.0.1", port, kTimeout);
  if (s.ok()) s = co_await net::TlsHandshake(tls, asio::ssl::stream_base::client, kTimeout);
  co_return s;
}

asio::awaitable<Status> SendAndRead(net::FramedStream& io, std::vector<sync::Frame> frames, sync::Frame* first) {
  for (const auto& f : frames) {
    Status q = io.Queue(f);
    if (!q.ok()) co_return q;
  }
  Status s = co_await io.Flush(kTimeout);
  if (!s.ok()) co_return s;
  auto r = co_await io.Read(kTimeout);
  if (!r.ok()) co_return r.status();
  *first = std::move(r).value();
  co_return Status::Ok();
}

asio::awaitable<Status> ReadOne(net::FramedStream& io, sync::Frame* out) {
  auto r = co_await io.Read(kTimeout);
  if (!r.ok()) co_return r.status();
  *out = std::move(r).value();
  co_return Status::Ok();
}

asio::awaitable<void> RunOp(asio::awaitable<Status> op, Status* result) { *result = co_await std::move(op); }

}  // namespace

RawSession::RawSession() = default;
RawSession::~RawSession() = default;

Status RawSession::Run(asio::awaitable<Status> op) {
  Status result = Status::Internal("did not run");
  io_.restart();
  asio::co_spawn(io_, RunOp(std::move(op), &result), asio::detached);
  io_.run();
  return result;
}

Result<std::unique_ptr<RawSession>> RawSession::Open(uint16_t port, const std::string& ca_pem,
                                                     const std::string& device_id, const crypto::PrivateKey& key,
                                                     uint64_t acked_seq, uint32_t max_version) {
  std::unique_ptr<RawSession> s(new RawSession());
  auto ctx = net::MakeClientTlsContext(ca_pem);
  if (!ctx.ok()) return ctx.status();
  s->tls_ctx_ = *ctx;
  s->tls_ = std::make_unique<net::TlsStream>(s->io_, *s->tls_ctx_);
  WS_RETURN_IF_ERROR(net::SetExpectedHost(s->tls_->native_handle(), "127.0.0.1"));
  WS_RETURN_IF_ERROR(s->Run(Handshake(*s->tls_, port)));
  s->framed_ = std::make_unique<net::FramedStream>(*s->tls_);

  sync::Frame f;
  auto* hello = f.mutable_hello();
  hello->set_min_version(kMinProtocolVersion);
  hello->set_max_version(max_version);
  hello->set_device_id(device_id);
  hello->set_auth_signature(key.Sign(crypto::kAuthContext, net::ExportAuthBinding(s->tls_->native_handle())));
  hello->set_acked_seq(acked_seq);
  WS_RETURN_IF_ERROR(s->Run(SendAndRead(*s->framed_, {f}, &s->reply_)));
  return s;
}

Result<PushOutcome> RawSession::Push(const std::vector<changes::SignedChangeSet>& change_sets) {
  sync::Frame push, fence;
  for (const auto& cs : change_sets) *push.mutable_push()->add_change_sets() = cs;
  fence.mutable_pull_request()->set_cursor(0);
  fence.mutable_pull_request()->set_max_records(1);
  PushOutcome outcome;
  bool acked = false;
  sync::Frame frame;
  WS_RETURN_IF_ERROR(Run(SendAndRead(*framed_, {push, fence}, &frame)));
  for (;;) {
    if (frame.has_pull_batch()) break;
    if (frame.has_push_ack()) {
      outcome.acked_seq = frame.push_ack().acked_seq();
      acked = true;
    } else if (frame.has_error()) {
      if (!outcome.error) outcome.error = frame.error();  // the push's, not the fence's
    } else {
      return Status::Invalid("unexpected frame: " + frame.ShortDebugString());
    }
    // A server that refuses the fence itself (a draining device gets no
    // pull) closes the connection after its error.
    if (Status read = Run(ReadOne(*framed_, &frame)); !read.ok()) {
      // A push refused before it was parsed (frame limits) gets only the
      // error, then the connection ends.
      if (outcome.error) break;
      return read;
    }
  }
  if (!acked && !outcome.error) return Status::Invalid("the server did not acknowledge the push");
  return outcome;
}

changes::Change VoterMeetingCreate(const std::string& ward, int64_t invited, int64_t attended,
                                   const std::string& candidate) {
  changes::Change c;
  c.set_record_id(changes_util::NewRecordId());
  c.set_form_id("voter-meeting");
  c.set_form_version(1);
  c.set_ward(ward);
  c.set_op(changes::Change::CREATE);
  auto* s = c.add_sets();
  s->set_field("candidate");
  s->mutable_value()->set_text(candidate);
  s = c.add_sets();
  s->set_field("meeting_date");
  s->mutable_value()->set_date("2026-11-20");
  s = c.add_sets();
  s->set_field("invited");
  s->mutable_value()->set_integer(invited);
  s = c.add_sets();
  s->set_field("attended");
  s->mutable_value()->set_integer(attended);
  return c;
}

changes::ChangeSetBody MakeBody(const std::string& device_id, uint64_t seq, const std::string& prev_hash,
                                const std::vector<changes::Change>& changes) {
  changes::ChangeSetBody b;
  b.set_format(1);
  b.set_device_id(device_id);
  b.set_seq(seq);
  b.set_prev_hash(prev_hash);
  b.set_hlc(HybridLogicalClock::Make(SystemClock().NowMs(), static_cast<uint16_t>(seq)));
  b.set_officer("Kiểm thử");
  for (const auto& c : changes) *b.add_changes() = c;
  return b;
}

std::vector<changes::SignedChangeSet> MakeChain(const std::string& device_id, const crypto::PrivateKey& key,
                                                const std::string& ward, uint64_t after_seq,
                                                const std::string& after_hash, size_t n) {
  std::vector<changes::SignedChangeSet> out;
  std::string prev = after_hash;
  for (size_t i = 0; i < n; ++i) {
    auto signed_cs = changes_util::Sign(MakeBody(device_id, after_seq + 1 + i, prev, {VoterMeetingCreate(ward, 100, 80)}), key);
    prev = changes_util::BodyHash(signed_cs);
    out.push_back(std::move(signed_cs));
  }
  return out;
}

}  // namespace wardsync::test

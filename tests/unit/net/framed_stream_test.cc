#include <catch2/catch.hpp>
#include <google/protobuf/arena.h>
#include <google/protobuf/util/message_differencer.h>

#include "common/wire/framing.h"
#include "tests/unit/net/net_test_util.h"

using namespace wardsync;
using namespace wardsync::nettest;

namespace {

struct Fixture {
  TestPki pki = MakeTestPki();
  std::shared_ptr<asio::ssl::context> server_ctx = ServerContext(pki);
  std::shared_ptr<asio::ssl::context> client_ctx = ClientContext(pki.ca_pem);

  PairSpec Spec() {
    PairSpec spec;
    spec.server_ctx = server_ctx.get();
    spec.client_ctx = client_ctx.get();
    return spec;
  }
};

// Writes raw bytes (already framed or not) straight to the TLS stream.
asio::awaitable<void> WriteRaw(net::TlsStream& s, std::string bytes) {
  std::error_code ec;
  co_await asio::async_write(s, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
  CHECK_FALSE(ec);
}

}  // namespace

TEST_CASE("FramedStream round-trips pipelined frames and counts bytes", "[net]") {
  Fixture fx;
  std::vector<sync::Frame> got;
  uint64_t client_out = 0, server_in = 0;
  PairSpec spec = fx.Spec();
  spec.client_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    net::FramedStream fs(s);
    sync::Frame hello;
    hello.mutable_hello()->set_device_id("dev-1");
    hello.mutable_hello()->set_acked_seq(41);
    REQUIRE(fs.Queue(hello).ok());
    REQUIRE(fs.Queue(PushAckFrame(1)).ok());
    REQUIRE(fs.Queue(PushAckFrame(2)).ok());
    Status st1 = co_await fs.Flush(kTimeout);
    CHECK(st1.ok());  // three frames, one write
    CHECK(fs.queued_bytes() == 0);
    Status st2 = co_await fs.Write(PushAckFrame(3), kTimeout);
    CHECK(st2.ok());
    client_out = fs.bytes_out();
    auto reply = co_await fs.Read(kTimeout);
    REQUIRE(reply.ok());
    CHECK(reply->has_bye());
  };
  spec.server_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    net::FramedStream fs(s);
    for (int i = 0; i < 4; ++i) {
      auto f = co_await fs.Read(kTimeout);
      INFO(f.status().message());
      REQUIRE(f.ok());
      got.push_back(*f);
    }
    server_in = fs.bytes_in();
    sync::Frame bye;
    bye.mutable_bye();
    Status st3 = co_await fs.Write(bye, kTimeout);
    CHECK(st3.ok());
    auto end = co_await fs.Read(kTimeout);
    CHECK(end.status().message() == "connection closed by peer");
  };
  PairResult r = RunPair(spec);
  REQUIRE(r.client_handshake.ok());
  REQUIRE(got.size() == 4);
  CHECK(got[0].hello().device_id() == "dev-1");
  CHECK(got[0].hello().acked_seq() == 41);
  CHECK(got[1].push_ack().acked_seq() == 1);
  CHECK(got[3].push_ack().acked_seq() == 3);
  CHECK(client_out > 0);
  CHECK(server_in == client_out);
}

// The device parses each frame into a protobuf arena of its own
// (client/sync/pulled_page.h): ReadInto must give the same frames there,
// a compressed pull page included.
TEST_CASE("FramedStream reads into a frame on a protobuf arena, a compressed one too", "[net]") {
  Fixture fx;
  sync::Frame page;
  for (int i = 0; i < 200; ++i) {
    auto* r = page.mutable_pull_batch()->add_records();
    r->set_record_id(std::string(16, static_cast<char>(i)));
    r->set_form_id("voter-meeting");
    r->set_log_seq(static_cast<uint64_t>(i) + 1);
    (*r->mutable_fields())["notes"].mutable_value()->set_text("ghi chú số " + std::to_string(i));
  }
  page.mutable_pull_batch()->set_cursor(200);
  std::vector<sync::Frame> got;
  uint64_t server_in = 0;
  PairSpec spec = fx.Spec();
  spec.client_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    net::FramedStream fs(s);
    fs.SendCompressed(true);
    REQUIRE(fs.Queue(page).ok());
    REQUIRE(fs.Queue(PushAckFrame(7)).ok());
    Status sent = co_await fs.Flush(kTimeout);
    CHECK(sent.ok());
    co_await fs.Read(kTimeout);  // until the server hangs up
  };
  spec.server_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    net::FramedStream fs(s);
    fs.AcceptCompressed(true);
    for (int i = 0; i < 2; ++i) {
      google::protobuf::Arena arena;
      auto* frame = google::protobuf::Arena::CreateMessage<sync::Frame>(&arena);
      Status read = co_await fs.ReadInto(frame, kTimeout);
      INFO(read.message());
      REQUIRE(read.ok());
      CHECK(frame->GetArena() == &arena);
      got.push_back(*frame);  // a heap copy, outliving the arena
    }
    server_in = fs.bytes_in();
  };
  PairResult r = RunPair(spec);
  REQUIRE(r.client_handshake.ok());
  REQUIRE(got.size() == 2);
  CHECK(google::protobuf::util::MessageDifferencer::Equals(got[0], page));
  CHECK(got[1].push_ack().acked_seq() == 7);
  CHECK(server_in < page.ByteSizeLong());  // the page did come compressed
}

// Bench S4 (2,000 devices syncing at once): a session waiting its turn
// with its next frame already received held a 16 KiB read buffer. Now
// only the received bytes are held, and nothing once they are returned.
TEST_CASE("FramedStream holds no read buffer between frames and reads frames split over many records", "[net]") {
  Fixture fx;
  sync::Frame split, large, small;
  split.mutable_error()->set_message(std::string(50'000, 's'));
  large.mutable_error()->set_message(std::string(3u << 20, 'l'));
  small.mutable_push_ack()->set_acked_seq(7);
  sync::Frame last;
  last.mutable_error()->set_message(std::string(1'000, 'z'));
  std::string last_bytes;
  wire::AppendFrame(last.SerializeAsString(), &last_bytes);
  const size_t head = 10;  // of `last`, sent before the server's go-ahead
  std::vector<sync::Frame> got;
  size_t held_waiting = 0, held_after = 0, held_idle = 0;
  PairSpec spec = fx.Spec();
  spec.client_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    std::string bytes;
    wire::AppendFrame(split.SerializeAsString(), &bytes);
    for (size_t off = 0; off < bytes.size(); off += 700) {  // one TLS record each
      co_await WriteRaw(s, bytes.substr(off, 700));
    }
    bytes.clear();
    wire::AppendFrame(large.SerializeAsString(), &bytes);
    wire::AppendFrame(small.SerializeAsString(), &bytes);
    bytes += last_bytes.substr(0, head);  // in the same record as `small`
    co_await WriteRaw(s, bytes);
    net::FramedStream fs(s);
    auto go = co_await fs.Read(kTimeout);  // the server has looked at what it holds
    REQUIRE(go.ok());
    co_await WriteRaw(s, last_bytes.substr(head));
    auto done = co_await fs.Read(kTimeout);
    CHECK(done.ok());
  };
  spec.server_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    net::FramedStream fs(s);
    held_idle = fs.read_bytes_held();
    for (int i = 0; i < 3; ++i) {
      auto f = co_await fs.Read(kTimeout);
      INFO(f.status().message());
      REQUIRE(f.ok());
      got.push_back(*f);
    }
    // `last` has begun: its 10 bytes are held (at most its own size), no
    // read buffer, nothing of the 3 MiB frame.
    held_waiting = fs.read_bytes_held();
    Status st = co_await fs.Write(PushAckFrame(1), kTimeout);
    CHECK(st.ok());
    auto f = co_await fs.Read(kTimeout);
    INFO(f.status().message());
    REQUIRE(f.ok());
    got.push_back(*f);
    held_after = fs.read_bytes_held();
    Status st2 = co_await fs.Write(PushAckFrame(2), kTimeout);
    CHECK(st2.ok());
  };
  PairResult r = RunPair(spec);
  REQUIRE(r.client_handshake.ok());
  REQUIRE(got.size() == 4);
  CHECK(got[0].error().message() == split.error().message());
  CHECK(got[1].error().message().size() == (3u << 20));
  CHECK(got[2].push_ack().acked_seq() == 7);
  CHECK(got[3].error().message() == last.error().message());
  // 15: std::string's inline buffer, no heap.
  CHECK(held_idle <= 15);
  CHECK(held_waiting >= head);
  CHECK(held_waiting <= last_bytes.size());
  CHECK(held_after <= 15);
}

TEST_CASE("FramedStream keeps no pull page's send buffer once it is written, only a small one", "[net]") {
  // A server connection in mid-pull writes pages of 20-60 KB; 2,000 such
  // connections each keeping theirs were ~97 MB of a burst (bench/README,
  // Session 14). Two pages, so both of the stream's buffers have held one.
  Fixture fx;
  sync::Frame page;
  page.mutable_error()->set_message(std::string(40'000, 'p'));
  size_t held_after_pages = 0, held_after_ack = 0;
  int got = 0;
  PairSpec spec = fx.Spec();
  spec.server_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    net::FramedStream fs(s);
    for (int i = 0; i < 2; ++i) {
      Status st = co_await fs.Write(page, kTimeout);
      CHECK(st.ok());
    }
    held_after_pages = fs.write_bytes_held();
    Status st = co_await fs.Write(PushAckFrame(1), kTimeout);
    CHECK(st.ok());
    held_after_ack = fs.write_bytes_held();
    auto end = co_await fs.Read(kTimeout);
    CHECK_FALSE(end.ok());
  };
  spec.client_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    net::FramedStream fs(s);
    for (int i = 0; i < 3; ++i) {
      auto f = co_await fs.Read(kTimeout);
      REQUIRE(f.ok());
      ++got;
    }
  };
  PairResult r = RunPair(spec);
  REQUIRE(r.client_handshake.ok());
  CHECK(got == 3);
  // Both buffers back to std::string's inline 15 bytes after the pages;
  // an ack's small buffer may stay (at most 4 KiB).
  CHECK(held_after_pages <= 2 * 15);
  CHECK(held_after_ack <= 4096 + 15);
}

TEST_CASE("FramedStream read times out and closes the connection", "[net]") {
  Fixture fx;
  Status server_read, client_read;
  PairSpec spec = fx.Spec();
  spec.server_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    net::FramedStream fs(s);
    auto f = co_await fs.Read(std::chrono::milliseconds(50));
    server_read = f.status();
    auto again = co_await fs.Read(kTimeout);  // finished: same error, no wait
    CHECK(again.status().code() == Status::Code::kDeadlineExceeded);
  };
  spec.client_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    net::FramedStream fs(s);  // sends nothing; sees the server give up
    auto f = co_await fs.Read(kTimeout);
    client_read = f.status();
  };
  RunPair(spec);
  CHECK(server_read.code() == Status::Code::kDeadlineExceeded);
  CHECK_THAT(server_read.message(), Catch::Contains("timed out"));
  CHECK(client_read.code() == Status::Code::kUnavailable);
}

TEST_CASE("FramedStream refuses an oversized frame", "[net]") {
  Fixture fx;
  Status read, queue;
  PairSpec spec = fx.Spec();
  spec.server_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    net::FramedStream fs(s, 100);
    read = (co_await fs.Read(kTimeout)).status();
  };
  spec.client_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
    sync::Frame big;
    big.mutable_error()->set_message(std::string(1000, 'x'));
    net::FramedStream small(s, 100);
    queue = small.Queue(big);  // the sender refuses too
    net::FramedStream fs(s);
    Status st4 = co_await fs.Write(big, kTimeout);
    CHECK(st4.ok());
    co_await fs.Read(kTimeout);  // until the server hangs up
  };
  RunPair(spec);
  CHECK(read.code() == Status::Code::kInvalidArgument);
  CHECK_THAT(read.message(), Catch::Contains("outside 1..100"));
  CHECK(queue.code() == Status::Code::kResourceExhausted);
}

TEST_CASE("FramedStream refuses a payload that is not a Frame, and a truncated frame", "[net]") {
  Fixture fx;
  for (bool truncated : {false, true}) {
    Status read;
    PairSpec spec = fx.Spec();
    spec.server_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
      net::FramedStream fs(s);
      read = (co_await fs.Read(kTimeout)).status();
    };
    spec.client_body = [&](net::TlsStream& s) -> asio::awaitable<void> {
      std::string bytes;
      if (truncated) {
        wire::AppendFrame(PushAckFrame(5).SerializeAsString(), &bytes);
        bytes.pop_back();
      } else {
        wire::AppendFrame(std::string(8, '\xff'), &bytes);  // an unterminated varint tag
      }
      co_await WriteRaw(s, bytes);
      co_await net::TlsShutdown(s, kTimeout);
    };
    RunPair(spec);
    INFO(read.message());
    CHECK(read.message() == (truncated ? "truncated frame" : "malformed frame"));
  }
}

TEST_CASE("Connect reports an unreachable server clearly", "[net]") {
  asio::io_context io;
  // A port that was just free: nobody listens there.
  uint16_t port;
  {
    asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  auto ctx = net::MakeEnrollTlsContext();
  REQUIRE(ctx.ok());
  net::TlsStream stream(io, **ctx);
  Status st = Status::Internal("not run");
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { st = co_await net::Connect(stream, "127.0.0.1", port, kTimeout); },
      asio::detached);
  io.run();
  CHECK(st.code() == Status::Code::kUnavailable);
  CHECK_THAT(st.message(), Catch::StartsWith("cannot reach server 127.0.0.1:" + std::to_string(port) + ": "));
}

TEST_CASE("TLS handshake times out against a server that never answers", "[net]") {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = acceptor.local_endpoint().port();
  TestPki pki = MakeTestPki();
  auto client_ctx = ClientContext(pki.ca_pem);
  Status handshake = Status::Internal("not run");
  size_t server_got = 0;
  auto silent_server = [&]() -> asio::awaitable<void> {
    asio::ip::tcp::socket sock(io);
    co_await acceptor.async_accept(sock, asio::use_awaitable);
    char buf[4096];
    std::error_code ec;
    while (!ec) {  // swallow the ClientHello; ends when the client gives up and closes
      server_got += co_await sock.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
    }
  };
  auto client = [&]() -> asio::awaitable<void> {
    net::TlsStream stream(io, *client_ctx);
    Status st = co_await net::Connect(stream, "127.0.0.1", port, kTimeout);
    REQUIRE(st.ok());
    ExpectLocalhost(stream.native_handle());
    handshake = co_await net::TlsHandshake(stream, asio::ssl::stream_base::client, std::chrono::milliseconds(50));
  };
  std::exception_ptr failure;
  auto record = [&failure](std::exception_ptr e) {
    if (e && !failure) failure = e;
  };
  asio::co_spawn(io, silent_server(), record);
  asio::co_spawn(io, client(), record);
  io.run();
  if (failure) std::rethrow_exception(failure);
  CHECK(server_got > 0);
  CHECK(handshake.code() == Status::Code::kDeadlineExceeded);
  CHECK_THAT(handshake.message(), Catch::Contains("timed out"));
}

TEST_CASE("ParseHostPort accepts IPv4, bracketed IPv6 and names", "[net]") {
  auto a = net::ParseHostPort("127.0.0.1:7443");
  REQUIRE(a.ok());
  CHECK(a->first == "127.0.0.1");
  CHECK(a->second == 7443);
  auto b = net::ParseHostPort("[::1]:7443");
  REQUIRE(b.ok());
  CHECK(b->first == "::1");
  CHECK(net::FormatHostPort(b->first, b->second) == "[::1]:7443");
  auto c = net::ParseHostPort("sync.ward-7.example:443");
  REQUIRE(c.ok());
  CHECK(c->first == "sync.ward-7.example");
  for (const char* bad : {"", "host", "host:", ":7443", "host:0", "host:65536", "host:12a", "::1:7443",
                          "[::1]7443", "[::1", "[nope]:1", "ho st:1"}) {
    INFO(bad);
    auto r = net::ParseHostPort(bad);
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.status().message().empty());
  }
  CHECK_THAT(net::ParseHostPort("::1:7443").status().message(), Catch::Contains("brackets"));
}

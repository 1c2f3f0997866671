// Handshakes first (server/net/handshake_priority.h): syncs hold back while
// many connections are in their handshake, go on once few are left, and
// never hold back longer than their bound.
#include <catch2/catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/strand.hpp>

#include "tests/unit/server_net/run_until.h"
#include "server/net/handshake_priority.h"

using namespace wardsync::server;
using namespace std::chrono_literals;
using wardsync::test::RunUntil;

namespace {

asio::awaitable<void> YieldThenMark(HandshakePriority& gate, std::chrono::milliseconds max_wait, bool& done) {
  co_await gate.Yield(max_wait);
  done = true;
}


}  // namespace

TEST_CASE("a sync goes on at once while few connections are in their handshake", "[handshakes]") {
  asio::io_context io;
  HandshakePriority gate(4, 1);
  for (int i = 0; i < 3; ++i) gate.Entered();
  bool done = false;
  asio::co_spawn(asio::make_strand(io), YieldThenMark(gate, 10s, done), asio::detached);
  RunUntil(io, [&] { return done; });
  CHECK(done);
  CHECK_FALSE(gate.holding());
}

TEST_CASE("a sync holds back while many handshakes are in progress and goes on when few are left", "[handshakes]") {
  asio::io_context io;
  HandshakePriority gate(4, 1);
  for (int i = 0; i < 4; ++i) gate.Entered();
  REQUIRE(gate.holding());
  bool done = false;
  asio::co_spawn(asio::make_strand(io), YieldThenMark(gate, 60s, done), asio::detached);
  for (int i = 0; i < 20; ++i) io.poll();
  CHECK_FALSE(done);
  gate.Left();
  gate.Left();  // 2 left: still above the opening mark
  for (int i = 0; i < 20; ++i) io.poll();
  CHECK_FALSE(done);
  CHECK(gate.holding());
  gate.Left();  // 1 left: open
  RunUntil(io, [&] { return done; });
  CHECK(done);
  CHECK_FALSE(gate.holding());
  CHECK(gate.pending() == 1);
}

TEST_CASE("a sync never holds back longer than its bound", "[handshakes]") {
  asio::io_context io;
  HandshakePriority gate(2, 0);
  gate.Entered();
  gate.Entered();
  bool done = false;
  asio::co_spawn(asio::make_strand(io), YieldThenMark(gate, 20ms, done), asio::detached);
  RunUntil(io, [&] { return done; });
  CHECK(done);
  CHECK(gate.holding());  // the handshakes are still there; the sync went on anyway
}

// Drives an io_context one handler at a time until a condition holds or
// nothing is left to run (the budget and handshake-priority tests).
#pragma once
#include <asio/io_context.hpp>

namespace wardsync::test {

template <typename Pred>
void RunUntil(asio::io_context& io, Pred done) {
  io.restart();
  while (!done() && io.run_one() > 0) {
  }
}

}  // namespace wardsync::test

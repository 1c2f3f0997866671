// The memory budget's waiting line (server/net/memory_budget.h): a take that
// does not fit waits, first come first served, and is granted when bytes
// are given back; a wait that runs out takes nothing; a request larger than
// the whole budget is refused at once; newcomers do not overtake the line.
#include <catch2/catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/strand.hpp>

#include <optional>
#include <vector>

#include "tests/unit/server_net/run_until.h"
#include "server/net/memory_budget.h"

using namespace wardsync::server;
using namespace std::chrono_literals;
using wardsync::test::RunUntil;

namespace {

// A free coroutine (no coroutine lambda: GCC 12, NOTES.md).
asio::awaitable<void> TakeInto(MemoryBudget& budget, uint64_t n, std::chrono::milliseconds wait,
                               std::optional<bool>& out, std::vector<int>& order, int id) {
  const bool got = co_await budget.Take(n, wait);
  out = got;
  if (got) order.push_back(id);
}


}  // namespace

TEST_CASE("a take that fits is granted at once, and given back", "[budget]") {
  asio::io_context io;
  MemoryBudget budget(100);
  std::optional<bool> got;
  std::vector<int> order;
  asio::co_spawn(asio::make_strand(io), TakeInto(budget, 60, 1s, got, order, 1), asio::detached);
  RunUntil(io, [&] { return got.has_value(); });
  REQUIRE(got == std::optional<bool>(true));
  CHECK(budget.used() == 60);
  budget.Give(60);
  CHECK(budget.used() == 0);
}

TEST_CASE("takes that do not fit wait in line and are granted in order as bytes come back", "[budget]") {
  asio::io_context io;
  MemoryBudget budget(100);
  REQUIRE(budget.TryTake(90));
  std::optional<bool> a, b;
  std::vector<int> order;
  asio::co_spawn(asio::make_strand(io), TakeInto(budget, 50, 10s, a, order, 1), asio::detached);
  asio::co_spawn(asio::make_strand(io), TakeInto(budget, 20, 10s, b, order, 2), asio::detached);
  RunUntil(io, [&] { return budget.waiting() == 2; });
  CHECK(budget.waiting() == 2);
  CHECK_FALSE(a.has_value());
  // 20 bytes would fit after 10 come back, but the first in line (50) does
  // not: the second waits behind it, and so does a newcomer's TryTake.
  budget.Give(10);
  CHECK(budget.waiting() == 2);
  CHECK_FALSE(budget.TryTake(1));
  budget.Give(80);  // 0 used: both fit, in order
  RunUntil(io, [&] { return a.has_value() && b.has_value(); });
  CHECK(a == std::optional<bool>(true));
  CHECK(b == std::optional<bool>(true));
  CHECK(order == std::vector<int>{1, 2});
  CHECK(budget.used() == 70);
  CHECK(budget.waiting() == 0);
}

TEST_CASE("a wait that runs out takes nothing and lets those behind it in", "[budget]") {
  asio::io_context io;
  MemoryBudget budget(100);
  REQUIRE(budget.TryTake(60));
  std::optional<bool> big, small;
  std::vector<int> order;
  asio::co_spawn(asio::make_strand(io), TakeInto(budget, 80, 20ms, big, order, 1), asio::detached);
  asio::co_spawn(asio::make_strand(io), TakeInto(budget, 30, 10s, small, order, 2), asio::detached);
  RunUntil(io, [&] { return big.has_value() && small.has_value(); });
  CHECK(big == std::optional<bool>(false));  // 80 never fit beside 60
  CHECK(small == std::optional<bool>(true)); // 30 did, once 80 left the line
  CHECK(budget.used() == 90);
  CHECK(budget.waiting() == 0);
}

TEST_CASE("a take larger than the whole budget is refused at once", "[budget]") {
  asio::io_context io;
  MemoryBudget budget(100);
  std::optional<bool> got;
  std::vector<int> order;
  asio::co_spawn(asio::make_strand(io), TakeInto(budget, 101, 10s, got, order, 1), asio::detached);
  RunUntil(io, [&] { return got.has_value(); });
  CHECK(got == std::optional<bool>(false));
  CHECK(budget.used() == 0);
  CHECK_THAT(BudgetBusy(budget, 101, 25000ms), Catch::Contains("more than the server's whole memory budget"));
  CHECK_THAT(BudgetBusy(budget, 50, 25000ms), Catch::Contains("for 25000 ms"));
}

TEST_CASE("a waiter destroyed with the server leaves the line and takes nothing", "[budget]") {
  MemoryBudget budget(100);
  REQUIRE(budget.TryTake(100));
  {
    asio::io_context io;
    std::optional<bool> got;
    std::vector<int> order;
    asio::co_spawn(asio::make_strand(io), TakeInto(budget, 50, 10s, got, order, 1), asio::detached);
    RunUntil(io, [&] { return budget.waiting() == 1; });
    REQUIRE(budget.waiting() == 1);
  }  // the context and the suspended coroutine are destroyed here
  CHECK(budget.waiting() == 0);
  budget.Give(100);
  CHECK(budget.used() == 0);
}

TEST_CASE("a hold gives back what it keeps, and shrinks to what a page needs", "[budget]") {
  MemoryBudget budget(100);
  REQUIRE(budget.TryTake(80));
  {
    MemoryHold hold(budget);
    hold.Adopt(80);
    hold.ShrinkTo(30);
    CHECK(budget.used() == 30);
    hold.ShrinkTo(50);  // never grows
    CHECK(budget.used() == 30);
  }
  CHECK(budget.used() == 0);
}

TEST_CASE("bytes charged after the fact count past the budget and hold later takes until given back", "[budget]") {
  // A push's parsed bodies are known only once parsed (session.cc): they
  // are charged without waiting, and those after them wait.
  asio::io_context io;
  MemoryBudget budget(100);
  REQUIRE(budget.TryTake(60));
  budget.Charge(70);
  CHECK(budget.used() == 130);
  CHECK_FALSE(budget.TryTake(1));
  std::optional<bool> got;
  std::vector<int> order;
  asio::co_spawn(asio::make_strand(io), TakeInto(budget, 40, 10s, got, order, 1), asio::detached);
  RunUntil(io, [&] { return budget.waiting() == 1; });
  budget.Give(60);  // 70 used: 40 more would be 110, still over
  CHECK(budget.waiting() == 1);
  budget.Give(70);
  RunUntil(io, [&] { return got.has_value(); });
  CHECK(got == std::optional<bool>(true));
  CHECK(budget.used() == 40);
}

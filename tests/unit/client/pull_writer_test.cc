// PullWriter: a round's pulled pages stored on the writer's thread, one at
// a time and in order, with each page's outcome reported back on the io
// thread; a writer destroyed mid-page finishes that page, never cuts it.
#include <catch2/catch.hpp>

#include "client/sync/pull_writer.h"
#include "tests/unit/client/client_fixture.h"

using namespace wardsync;
using namespace client_test;
using records::RecordState;

namespace {

RecordState Pulled(char id, uint64_t log_seq) {
  RecordState r;
  r.set_record_id(std::string(16, id));
  r.set_form_id("voter-meeting");
  r.set_form_version(1);
  r.set_ward(kWard);
  r.set_log_seq(log_seq);
  return r;
}

std::unique_ptr<client::PulledPage> Page(const std::vector<RecordState>& records) {
  auto page = std::make_unique<client::PulledPage>();
  for (const auto& r : records) page->Add(r);
  return page;
}

// Runs one coroutine on `io` to its end.
template <typename T>
T RunOn(asio::io_context& io, asio::awaitable<T> task) {
  T out{};
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
    REQUIRE(!e);
    out = std::move(value);
  });
  io.restart();
  io.run();
  return out;
}

asio::awaitable<Status> FinishCounting(client::PullWriter& writer, size_t* records) {
  co_return co_await writer.Finish(records);
}

}  // namespace

TEST_CASE("the pull writer stores pages in order and reports each page's outcome", "[client][pull]") {
  ManualClock clock;
  Device dev(clock);
  asio::io_context io;
  client::PullWriter writer(*dev.cs, io);
  size_t stored = 99;
  CHECK(RunOn(io, FinishCounting(writer, &stored)).ok());  // nothing started: nothing to wait for
  CHECK(stored == 0);

  writer.Start(Page({Pulled('a', 3), Pulled('b', 5)}), 5, /*durable=*/false);
  CHECK_FALSE(writer.idle());
  CHECK(RunOn(io, FinishCounting(writer, &stored)).ok());
  CHECK(writer.idle());
  CHECK(stored == 2);
  CHECK(dev.cs->State()->pull_cursor() == 5);

  writer.Start(Page({Pulled('a', 7)}), 9, /*durable=*/true);
  CHECK(RunOn(io, FinishCounting(writer, &stored)).ok());
  CHECK(stored == 1);
  CHECK(dev.cs->State()->pull_cursor() == 9);
  CHECK((*dev.cs->ServerRecord(std::string(16, 'a')))->log_seq() == 7);
  CHECK((*dev.cs->ServerRecord(std::string(16, 'b')))->log_seq() == 5);

  // A page the store refuses (its cursor would move back) comes back as
  // that page's error and changes nothing; the writer stays usable.
  const auto before = Dump(*dev.db);
  writer.Start(Page({Pulled('c', 4)}), 4, true);
  Status refused = RunOn(io, FinishCounting(writer, &stored));
  CHECK(refused.code() == Status::Code::kFailedPrecondition);
  CHECK(Dump(*dev.db) == before);
  writer.Start(Page({Pulled('c', 11)}), 11, true);
  CHECK(RunOn(io, FinishCounting(writer, &stored)).ok());
  CHECK(dev.cs->State()->pull_cursor() == 11);
}

TEST_CASE("a pull writer destroyed while a page is being stored finishes that page", "[client][pull]") {
  ManualClock clock;
  Device dev(clock);
  {
    asio::io_context io;
    client::PullWriter writer(*dev.cs, io);
    auto page = std::make_unique<client::PulledPage>();
    for (int i = 0; i < 500; ++i) page->Add(Pulled(static_cast<char>('A' + i % 50), 100 + i));
    writer.Start(std::move(page), 600, true);
    // No Finish: the round broke (say the connection closed) with the page
    // on the writer's thread; the io_context never runs again.
  }
  CHECK(dev.cs->State()->pull_cursor() == 600);
  CHECK((*dev.cs->ServerRecord(std::string(16, 'A')))->log_seq() == 550);
}

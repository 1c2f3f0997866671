#include "client/sync/pull_writer.h"

namespace wardsync::client {

PullWriter::PullWriter(ClientStore& store, asio::io_context& io) : store_(store), io_(io), done_(io) {}

PullWriter::~PullWriter() {
  if (thread_) thread_->join();  // runs what was posted: a page started is stored, never cut
}

void PullWriter::Start(std::unique_ptr<PulledPage> page, uint64_t cursor, bool durable) {
  if (!thread_) thread_.emplace(1);
  busy_ = true;
  records_ = page->record_count();
  done_.expires_at(asio::steady_timer::time_point::max());
  asio::post(*thread_, [this, page = std::move(page), cursor, durable]() mutable {
    Status stored = store_.ApplyPullPage(page->received(), page->records(), cursor, durable);
    page.reset();  // the page's arena, freed here: not on the io thread
    // Back on the io thread: the round reads busy_ and result_ only there.
    asio::post(io_, [this, stored = std::move(stored)] {
      result_ = stored;
      busy_ = false;
      done_.cancel();
    });
  });
}

asio::awaitable<Status> PullWriter::Finish(size_t* records) {
  if (busy_) {
    asio::error_code ec;  // operation_aborted: the page is stored
    co_await done_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (records != nullptr) *records = records_;
  records_ = 0;
  Status s = result_;
  result_ = Status::Ok();
  co_return s;
}

}  // namespace wardsync::client

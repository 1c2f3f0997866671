// Stores a round's pulled pages on a thread of its own, one page at a time
// and in the order they arrived, while the round's io thread decrypts and
// parses the next page: a first pull of a whole ward was the device's
// parse and its store's write one after the other on one core.
//
// Order and the cursor rule are kept by the caller: at most one page is
// being stored at a time, and the round waits for it (Finish) before it
// starts the next page or touches the store in any other way (an
// acknowledgement, the round's end), so every store write happens in the
// order of the frames. A page and its cursor stay one write
// (ClientStore::ApplyPull), so a crash never leaves the cursor ahead of the
// records.
//
// Lifetime: declare it after the io_context whose executor it reports to,
// so that it is destroyed (and its thread joined) first; a completion
// posted to an io_context that no longer runs is dropped, never run.
#pragma once
#include <asio.hpp>
#include <memory>
#include <optional>

#include "client/store/client_store.h"
#include "client/sync/pulled_page.h"
#include "common/status.h"

namespace wardsync::client {

class PullWriter {
 public:
  PullWriter(ClientStore& store, asio::io_context& io);
  ~PullWriter();  // joins the thread: a page being stored is finished first
  PullWriter(const PullWriter&) = delete;
  PullWriter& operator=(const PullWriter&) = delete;

  // Starts storing one page's records (ClientStore::ApplyPullPage). Only
  // when idle(): the caller awaits Finish() first. The page (its arena) is
  // freed on the writer's thread once stored.
  void Start(std::unique_ptr<PulledPage> page, uint64_t cursor, bool durable);
  bool idle() const { return !busy_; }
  // Waits, without blocking the io thread, for the page being stored (if
  // any) and returns how its write went; Ok when nothing was being stored.
  // `records` (optional) receives the page's record count.
  asio::awaitable<Status> Finish(size_t* records = nullptr);

 private:
  ClientStore& store_;
  asio::io_context& io_;
  asio::steady_timer done_;                  // cancelled when the page is stored
  std::optional<asio::thread_pool> thread_;  // made on the first page
  bool busy_ = false;                        // read and written on the io thread only
  Status result_;
  size_t records_ = 0;
};

}  // namespace wardsync::client

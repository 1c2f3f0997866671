// The server store as the server's code sees it: reads from any thread,
// writes from ONE thread only - the group committer's (kv_store.h, "Single
// writer"). The rule is what lets ingest, the log sequence and every admin
// mutation go without locks; this decorator checks it at every write, so a
// write slipped in from an io thread or a control worker is caught where it
// happens instead of as a torn log later. A debug build stops at once
// (assert); a release build refuses the write with an error, which the
// caller reports like any failed write (nothing is acknowledged).
//
// The check costs one atomic load per write (a write is a batch, usually
// with an fsync), so it stays on in every build.
#pragma once
#include <atomic>
#include <cassert>
#include <thread>

#include "common/store/forwarding_store.h"

namespace wardsync::server {

class SingleWriterStore : public ForwardingKvStore {
 public:
  using ForwardingKvStore::ForwardingKvStore;

  // From now on only the calling thread may write (the committer's thread,
  // or the one thread of a command that opened the store itself).
  void BindWriterToThisThread() { writer_.store(std::this_thread::get_id()); }

  Status Write(const WriteBatch& batch, bool sync) override {
    if (writer_.load() != std::this_thread::get_id()) {
      assert(false && "a server store write outside the committer thread");
      return Status::Internal(
          "refused a store write made outside the group committer's thread (a bug: every server write must run "
          "on the committer, see server/ingest/group_committer.h)");
    }
    return inner().Write(batch, sync);
  }

 private:
  std::atomic<std::thread::id> writer_{};
};

}  // namespace wardsync::server

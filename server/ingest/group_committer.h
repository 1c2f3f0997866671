// The single writer of the server store. Sessions (on io threads) submit
// change-sets and get a callback once they are durable; admin mutations run
// here too, so every write is serialized without locks in the logic.
//
// Group commit: the thread drains everything queued since the last write,
// builds one IngestGroup and makes ONE synced LevelDB write for all of it, so
// throughput follows the disk's batched write rate, not one fsync per push.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "server/ingest/ingest_group.h"
#include "server/ingest/submission.h"
#include "server/ingest/volume_quota.h"
#include "server/server_context.h"

namespace wardsync::server {

// Handed to exclusive tasks: the context and a way to ingest synchronously
// (used by the server's own resolutions).
class Ingestor {
 public:
  explicit Ingestor(ServerContext& ctx)
      : ctx_(ctx), quota_(ctx.limits.max_changesets_per_day, ctx.limits.max_bytes_per_day) {}
  Status LoadHead();
  // Processes the submissions as one group and writes it durably.
  // `annotate` may add rows to the group's write from its results (so they
  // are durable exactly when the change-sets are: `import`'s audit record).
  using Annotate = std::function<void(const std::vector<SubmissionResult>&, WriteBatch&)>;
  std::vector<SubmissionResult> CommitGroup(const std::vector<const Submission*>& subs,
                                            const std::vector<std::pair<std::string, wardsync::sync::DeviceReport>>& contacts = {},
                                            const Annotate& annotate = {});
  SubmissionResult CommitOne(const Submission& s) { return CommitGroup({&s})[0]; }
  ServerContext& ctx() { return ctx_; }
  uint64_t log_head() const { return log_head_.load(); }

 private:
  ServerContext& ctx_;
  std::atomic<uint64_t> log_head_{0};  // written by the committer thread only
  VolumeQuota quota_;                  // the daily limits (counts: in device rows)
};

class GroupCommitter {
 public:
  explicit GroupCommitter(ServerContext& ctx) : ingestor_(ctx) {}
  ~GroupCommitter() { Stop(); }
  Status Start();
  // Finishes what is queued, then stops the thread.
  void Stop();

  // `done` runs on the committer thread once the outcome is durable (or refused).
  void Submit(Submission s, SubmissionDone done);
  // Recorded with the next write: last contact and what the device reported.
  void NoteContact(std::string device_id, wardsync::sync::DeviceReport report);
  // Runs `task` on the committer thread, between groups.
  void RunExclusive(std::function<void(Ingestor&)> task);
  uint64_t log_head() const { return ingestor_.log_head(); }
  // Pushes waiting for the committer thread (a metrics gauge).
  size_t queue_depth();

 private:
  void Loop();
  struct Pending {
    Submission submission;
    SubmissionDone done;
  };
  Ingestor ingestor_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  std::deque<std::function<void(Ingestor&)>> tasks_;
  std::vector<std::pair<std::string, wardsync::sync::DeviceReport>> contacts_;
  bool stopping_ = false;
  bool running_ = false;
  std::thread thread_;
};

}  // namespace wardsync::server

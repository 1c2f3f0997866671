// A running central server: store, group committer, TLS listener, control
// socket, io threads. Used by `wardsync-server run` and by tests, which start
// a real server on 127.0.0.1 port 0.
#pragma once
#include <asio.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/clock/clock.h"
#include "common/control/control_channel.h"
#include "common/store/dir_lock.h"
#include "common/store/leveldb_store.h"
#include "server/attach/attachment_files.h"
#include "server/ingest/group_committer.h"
#include "server/metrics/cidr_allow_list.h"
#include "server/metrics/server_metrics.h"
#include "server/net/sync_server.h"
#include "server/runtime/malloc_settings.h"
#include "server/server_context.h"
#include "server/server_limits.h"
#include "server/server_paths.h"
#include "server/store/server_store.h"

namespace wardsync::server {

struct RuntimeOptions {
  std::string data_dir;
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  ServerLimits limits;
  unsigned threads = 0;               // 0: one per core
  std::string store_url;              // "" = DIR/store-url, else LevelDB in DIR/db (server/store/server_store.h)
  // Tests inject a fault Env here. LevelDB's own 8 MiB block cache: the
  // records every device of a ward pulls after each push (S4: ~1,250 a
  // sync) come from the record cache below, which took over the 32 MiB
  // this block cache had for them (peak RSS is a target too).
  // Table files read with pread, not mapped (common/store/pread_env.h):
  // in the burst of bench S4 their mapped pages were 45-58 MB of the RSS.
  LevelDbOptions store_options{.block_cache_bytes = 8 << 20, .mmap_tables = false};
  // The records this server wrote, kept for the pulls that read them back
  // (common/store/value_cache_store.h; LevelDB only; `run
  // --record-cache-mb`). Off by default: in bench S4 it cut the server's
  // CPU per sync by ~25% (10.3 -> 7.9 ms, fleet 75 -> 100 syncs/s), but it
  // cost a backlog push (S1) ~30% more server CPU on the committer, from
  // the allocator (NOTES.md, session 10). 32 MiB holds ~94% of a rotation
  // of S4's fleet (2,000 devices x 20 records of ~750 bytes).
  size_t record_cache_bytes = 0;
  // glibc malloc: four arenas, fixed mmap/trim thresholds (malloc_settings.h;
  // `run --malloc-arenas N`). Applied by Start, process-wide.
  MallocSettings malloc;
  const Clock* clock = nullptr;       // nullptr: system clock
  // Who may read GET /metrics on the dashboard port (`--metrics-allow`).
  CidrAllowList metrics_allow = CidrAllowList::Loopback();
};

class ServerRuntime {
 public:
  static Result<std::unique_ptr<ServerRuntime>> Start(const RuntimeOptions& options);
  ~ServerRuntime();

  uint16_t port() const { return port_; }
  ServerContext& ctx() { return *ctx_; }
  GroupCommitter& committer() { return *committer_; }
  SyncServer& sync_server() { return *sync_; }
  // What MountMetrics serves (server/metrics/mount_metrics.h), and to whom.
  const ServerMetrics& metrics() const { return metrics_; }
  const CidrAllowList& metrics_allow() const { return metrics_allow_; }
  // Stops accepting, closes connections, drains the committer, joins threads. Idempotent.
  void Stop();
  // Blocks until SIGINT/SIGTERM (or Stop from elsewhere).
  void WaitForSignal();

 private:
  ServerRuntime() = default;
  SystemClock system_clock_;
  ServerPaths paths_{""};
  ServerMetrics metrics_;   // before everything that counts into it
  CidrAllowList metrics_allow_;
  std::optional<DirLock> lock_;           // held while the runtime lives; released last
  std::unique_ptr<ServerStore> store_;    // written only by the committer's thread
  std::unique_ptr<ServerContext> ctx_;
  std::unique_ptr<attach::AttachmentFiles> attachments_;  // DIR/attachments (server/attach)
  std::unique_ptr<GroupCommitter> committer_;
  asio::io_context io_;
  std::unique_ptr<asio::thread_pool> store_pool_;
  std::unique_ptr<asio::thread_pool> control_pool_;
  std::unique_ptr<SyncServer> sync_;
  std::unique_ptr<control::ControlServer> control_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts
// afterwards; WaitForSignal then takes them with sigwait. Call before Start.
void BlockStopSignals();

// Sleeps `wait`, then whether SIGINT or SIGTERM is pending (blocked by
// BlockStopSignals and not yet taken): a wait before serving ends on it.
bool StopSignalPending(std::chrono::milliseconds wait);

// Opens the pieces every server process needs from a data directory.
Result<crypto::PrivateKey> LoadServerKey(const ServerPaths& paths);

}  // namespace wardsync::server

#include "server/runtime/server_runtime.h"

#include <pthread.h>
#include <signal.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <sstream>

#include "common/crypto/ed25519.h"
#include "common/net/tls_context.h"
#include "common/util/files.h"
#include "common/util/log.h"
#include "server/admin/dispatch.h"
#include "server/metrics/contact_ages.h"
#include "server/runtime/online_admin_env.h"

namespace wardsync::server {

Result<crypto::PrivateKey> LoadServerKey(const ServerPaths& paths) {
  if (!util::Exists(paths.server_key())) {
    return Status::NotFound(paths.dir + " is not an initialised server data directory (run: wardsync-server init --data " +
                            paths.dir + ")");
  }
  return crypto::PrivateKey::LoadPemFile(paths.server_key());
}

Result<std::unique_ptr<ServerRuntime>> ServerRuntime::Start(const RuntimeOptions& options) {
  // First, before this process starts its threads (each would get an arena).
  if (Status m = ApplyMallocSettings(options.malloc); !m.ok()) util::LogLine("malloc settings: " + m.message());
  std::unique_ptr<ServerRuntime> rt(new ServerRuntime());
  rt->paths_ = ServerPaths(options.data_dir);
  auto key = LoadServerKey(rt->paths_);
  if (!key.ok()) return key.status();
  std::string cert, ca;
  if (!util::Exists(rt->paths_.server_cert()) && util::Exists(rt->paths_.server_csr())) {
    return Status::Precondition(options.data_dir + " waits for its server certificate: sign " +
                                rt->paths_.server_csr() + " on the offline CA machine (wardsync-server ca sign-server) "
                                "and install it (wardsync-server cert install --data " + options.data_dir +
                                " --cert FILE)");
  }
  WS_RETURN_IF_ERROR(util::ReadFile(rt->paths_.server_cert(), &cert));
  WS_RETURN_IF_ERROR(util::ReadFile(rt->paths_.ca_cert(), &ca));
  auto tls = net::MakeServerTlsContext(cert + ca, *key, options.limits.zstd);
  if (!tls.ok()) return tls.status();

  // The directory's lock says who owns it (common/store/dir_lock.h); the
  // other commands find it held and forward themselves to us.
  auto lock = DirLock::TryAcquire(options.data_dir);
  if (!lock.ok()) return lock.status();
  if (!lock->has_value()) {
    return Status::Unavailable("another wardsync-server process is already using " + options.data_dir);
  }
  rt->lock_ = std::move(*lock);
  ServerStoreOptions so;
  so.url = options.store_url;
  so.leveldb = options.store_options;
  so.record_cache_bytes = options.record_cache_bytes;
  so.record_presence = true;
  so.missing = MissingStamp::kStamp;  // a store made before the stamp existed is stamped by its first run
  // On PostgreSQL several `run`s may share one database: one is active, the
  // others wait here (before they load the log head or listen) and take
  // over when it dies. A stop signal ends the wait.
  so.wait_to_be_active = true;
  so.keep_waiting = [] { return !StopSignalPending(std::chrono::milliseconds(500)); };
  so.stamped_by = "run (stamped a store made before the stamp)";
  auto store = OpenServerStore(*rt->lock_, so);
  if (!store.ok()) return store.status();
  rt->store_ = std::move(store).value();
  const Clock& clock = options.clock ? *options.clock : rt->system_clock_;
  rt->ctx_.reset(new ServerContext{rt->store_->store(), clock, *key, options.limits, {}, &rt->metrics_});
  rt->metrics_allow_ = options.metrics_allow;
  WS_RETURN_IF_ERROR(LoadForms(*rt->ctx_));
  rt->committer_ = std::make_unique<GroupCommitter>(*rt->ctx_);
  WS_RETURN_IF_ERROR(rt->committer_->Start());
  // From here on the committer's thread is the store's only writer; its
  // first task binds it, before any session or command can queue a write.
  {
    std::promise<void> bound;
    SingleWriterStore& checked = rt->store_->store();
    rt->committer_->RunExclusive([&](Ingestor&) {
      checked.BindWriterToThisThread();
      bound.set_value();
    });
    bound.get_future().wait();
  }

  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  rt->store_pool_ = std::make_unique<asio::thread_pool>(2);
  // Several admin commands at once: one slow command (a big export, a slow
  // disk) does not hold up a `revoke` behind it.
  rt->control_pool_ = std::make_unique<asio::thread_pool>(4);
  rt->sync_ = std::make_unique<SyncServer>(rt->io_, *rt->ctx_, *rt->committer_, *rt->store_pool_, *tls);
  rt->attachments_ = std::make_unique<attach::AttachmentFiles>(rt->paths_.dir + "/attachments");
  rt->sync_->ServeAttachments(rt->attachments_.get());
  auto port = rt->sync_->Listen(options.host, options.port);
  if (!port.ok()) {
    rt->committer_->Stop();
    return port.status();
  }
  rt->port_ = *port;
  ServerRuntime* self = rt.get();
  // The gauges of the server's state, read when /metrics is scraped.
  rt->metrics_.SetStateSource([self] {
    ServerMetrics::State s;
    s.open_connections = self->sync_->open_connections();
    s.committer_queue = self->committer_->queue_depth();
    auto ages = CountContactAges(self->ctx_->store, self->ctx_->clock.NowMs());
    if (ages.ok()) {
      s.devices = *ages;
    } else {
      util::LogLine("metrics: cannot count devices by last contact: " + ages.status().message());
    }
    return s;
  });
  rt->control_ = std::make_unique<control::ControlServer>(
      rt->io_, *rt->control_pool_, [self](const std::vector<std::string>& args, const control::Peer& peer) {
        std::ostringstream out, err;
        OnlineAdminEnv env(self->paths_, *self->ctx_, *self->committer_, *self->sync_, peer);
        wardsync::admin::LocalCommandResult r;
        r.set_exit_code(RunAdminCommand(env, args, out, err));
        r.set_out(out.str());
        r.set_err(err.str());
        return r;
      });
  WS_RETURN_IF_ERROR(rt->control_->Listen(rt->paths_.control_socket()));
  // Remember where we listen: `enroll` puts it in codes as a hint.
  // Only a hint (`enroll --server` gives the address explicitly): a server
  // that cannot write it still serves, and says so.
  if (Status s = util::WriteFileAtomic(rt->paths_.dir + "/listen",
                                       options.host + ":" + std::to_string(rt->port_) + "\n", 0644);
      !s.ok()) {
    util::LogLine("cannot record the listen address in " + rt->paths_.dir + "/listen: " + s.message());
  }
  rt->work_.emplace(rt->io_.get_executor());
  for (unsigned i = 0; i < threads; ++i) rt->threads_.emplace_back([self] { self->io_.run(); });
  return rt;
}

void ServerRuntime::WaitForSignal() {
  // SIGINT/SIGTERM were blocked before the runtime started (BlockStopSignals),
  // so none is lost between "listening" and this wait.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
  util::LogLine(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
}

bool StopSignalPending(std::chrono::milliseconds wait) {
  std::this_thread::sleep_for(wait);
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1;
}

void BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void ServerRuntime::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // A Start that failed part-way (e.g. the store is locked by another
  // server) destroys a runtime whose later parts were never made.
  if (sync_) sync_->Stop();
  if (control_) control_->Stop();
  work_.reset();
  // Sessions end once their sockets close and the io threads then run out of
  // work; a watchdog bounds how long that may take.
  std::mutex mu;
  std::condition_variable cv;
  bool joined = false;
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(5), [&] { return joined; })) io_.stop();
  });
  for (auto& t : threads_) t.join();
  {
    std::lock_guard<std::mutex> lock(mu);
    joined = true;
  }
  cv.notify_all();
  watchdog.join();
  threads_.clear();
  if (store_pool_) store_pool_->join();
  if (control_pool_) control_pool_->join();
  if (committer_) committer_->Stop();
}

ServerRuntime::~ServerRuntime() { Stop(); }

}  // namespace wardsync::server

#include "client/agent/agent_command.h"

#include <asio.hpp>
#include <cstdio>
#include <memory>
#include <sstream>
#include <thread>

#include "client/agent/agent.h"
#include "client/cli/command.h"
#include "client/client_paths.h"
#include "client/ui/ui_server.h"
#include "common/cli/args.h"
#include "common/control/control_channel.h"
#include "common/store/store_factory.h"
#include "common/util/files.h"
#include "common/util/log.h"

namespace wardsync::client {
namespace {

constexpr const char* kUsage =
    "agent --data DIR [--ui IP:PORT] [--interval-s S] [--max-backoff-s S] [--probe-interval-s S] [--io-timeout-s S]";

// Commands forwarded to the agent run against its store, and `sync`/`status`
// talk to the agent itself.
class AgentEnv : public ClientEnv {
 public:
  AgentEnv(ClientPaths paths, ClientStore& store, const Clock& clock) : ClientEnv(std::move(paths), store, clock) {}
  void Attach(Agent* agent) { agent_ = agent; }
  Result<SyncReport> SyncRound(const SyncOptions& options) override { return agent_->SyncNow(options); }
  std::optional<AgentInfo> AgentStatus() override { return agent_->Info(); }
  void WakeAgent() override { agent_->Wake(); }
  std::optional<std::string> UiUrl() override { return ui_url_.empty() ? std::nullopt : std::optional(ui_url_); }
  void SetUiUrl(std::string url) { ui_url_ = std::move(url); }  // before the control socket listens

 private:
  Agent* agent_ = nullptr;
  std::string ui_url_;
};

bool Seconds(const cli::Args& a, const char* name, uint64_t* ms, std::ostream& err) {
  auto v = a.Get(name);
  if (!v) return true;
  char* end = nullptr;
  double s = std::strtod(v->c_str(), &end);
  if (end == v->c_str() || *end || !(s > 0) || s > 7 * 24 * 3600) {
    err << "error: --" << name << " must be a positive number of seconds, got \"" << *v << "\"\n";
    return false;
  }
  *ms = static_cast<uint64_t>(s * 1000);
  return true;
}

}  // namespace

int RunAgentCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto a = cli::Args::Parse(args, {{"data", "ui", "interval-s", "max-backoff-s", "probe-interval-s", "io-timeout-s"}, {"help"}});
  if (!a.ok()) {
    err << "error: " << a.status().message() << "\nusage: wardsync " << kUsage << "\n";
    return 2;
  }
  if (a->Flag("help")) {
    out << "usage: wardsync " << kUsage << "\n\n"
        << "Syncs in the background: within a second or two of a new change, every --interval-s (default 300) so "
           "pulls arrive, and as soon as the server is reachable again after an outage. Failures back off "
           "exponentially with jitter from 1 s to --max-backoff-s (default 300). Runs until SIGINT or SIGTERM. "
           "While it runs, the other wardsync commands on DIR are forwarded to it.\n\n"
           "--ui IP:PORT also serves the officer app (the web interface) on that loopback address (port 0: a free "
           "one), prints \"ui: URL\" and writes the URL to DIR/ui-url (mode 0600); `wardsync ui --data DIR` prints "
           "it. The URL holds a secret made at each start: whoever opens it can use this device's data.\n";
    return 0;
  }
  if (!a->positional().empty()) {
    err << "error: unexpected argument \"" << a->positional()[0] << "\"\nusage: wardsync " << kUsage << "\n";
    return 2;
  }
  auto data = a->Require("data");
  if (!data.ok()) {
    err << "error: " << data.status().message() << "\n";
    return 2;
  }
  AgentOptions options;
  uint64_t io_ms = 30'000;
  if (!Seconds(*a, "interval-s", &options.interval_ms, err) ||
      !Seconds(*a, "max-backoff-s", &options.backoff_cap_ms, err) ||
      !Seconds(*a, "probe-interval-s", &options.probe_interval_ms, err) || !Seconds(*a, "io-timeout-s", &io_ms, err)) {
    return 2;
  }
  options.io_timeout = std::chrono::milliseconds(io_ms);
  ClientPaths paths(*data);
  if (!util::Exists(paths.db())) {
    err << "error: " << *data << " is not an enrolled device (run wardsync init first)\n";
    return 1;
  }
  // The agent owns the directory while it runs (common/store/dir_lock.h):
  // commands find the lock held and forward themselves to it.
  auto lock = DirLock::TryAcquire(paths.dir);
  if (!lock.ok() || !lock->has_value()) {
    err << "error: " << (!lock.ok() ? lock.status().message() : "another process (an agent?) already uses " + *data)
        << "\n";
    return 1;
  }
  auto db = OpenStore(**lock, StoreOptions{});
  if (!db.ok()) {
    err << "error: " << db.status().message() << "\n";
    return 1;
  }
  ClientStore store(**db);
  SystemClock clock;
  AgentEnv env(paths, store, clock);
  // Refuse a key file others can read before doing anything.
  if (Status keys = env.CheckKeys(); !keys.ok()) {
    err << "error: " << keys.message() << "\n";
    return 1;
  }
  Agent agent(env, options);
  env.Attach(&agent);

  // The officer app: started before the control socket so `wardsync ui`
  // never sees a running agent without its URL.
  std::unique_ptr<ui::UiServer> ui_server;
  if (auto listen = a->Get("ui")) {
    ui_server = std::make_unique<ui::UiServer>(env);
    auto url = ui_server->Start(*listen);
    if (!url.ok()) {
      err << "error: " << url.status().message() << "\n";
      return 1;
    }
    if (Status s = util::WriteFileAtomic(paths.ui_url(), *url + "\n", 0600); !s.ok()) {
      err << "error: " << s.message() << "\n";
      return 1;
    }
    env.SetUiUrl(*url);
    out << "ui: " << *url << std::endl;
  }

  asio::io_context io;
  asio::thread_pool workers(1);
  control::ControlServer control(io, workers, [&env](const std::vector<std::string>& cmd, const control::Peer&) {
    std::ostringstream o, e;
    wardsync::admin::LocalCommandResult r;
    r.set_exit_code(RunClientCommand(env, cmd, o, e));
    r.set_out(o.str());
    r.set_err(e.str());
    return r;
  });
  if (Status s = control.Listen(paths.control_socket()); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code& ec, int sig) {
    if (ec) return;
    util::LogLine(std::string("agent: received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
    agent.Stop();
  });
  std::thread io_thread([&io] { io.run(); });
  util::LogLine("agent: running for " + *data);
  agent.Run();
  if (ui_server) {
    ui_server->Stop();  // no request in flight uses the store after this
    std::remove(paths.ui_url().c_str());
  }
  control.Stop();
  signals.cancel();
  io.stop();
  io_thread.join();
  workers.join();
  util::LogLine("agent: stopped");
  return 0;
}

}  // namespace wardsync::client

#include "server/dashboard/start_dashboard.h"

#include <future>
#include <memory>
#include <sstream>

#include <httplib.h>

#include "common/util/log.h"
#include "server/admin/dispatch.h"
#include "server/metrics/mount_metrics.h"
#include "server/runtime/online_admin_env.h"

namespace wardsync::server::dashboard {
namespace {

// The online environment, naming the dashboard account (and its address) as
// the operator in audit records instead of a local user.
class DashboardAdminEnv : public OnlineAdminEnv {
 public:
  DashboardAdminEnv(ServerPaths paths, ServerRuntime& rt, std::string actor)
      : OnlineAdminEnv(std::move(paths), rt.ctx(), rt.committer(), rt.sync_server()), actor_(std::move(actor)) {}
  LocalOperator Operator() const override { return {0, actor_}; }

 private:
  std::string actor_;
};

}  // namespace

Result<std::unique_ptr<DashboardServer>> StartDashboard(ServerRuntime& rt, const DashboardOptions& options,
                                                        std::string* url) {
  ServerPaths paths(options.data_dir);
  ServerRuntime* runtime = &rt;
  auto server = std::make_unique<DashboardServer>(
      rt.ctx().store, rt.ctx().clock, [runtime, paths](const std::vector<std::string>& args, const std::string& actor) {
        std::ostringstream out, err;
        DashboardAdminEnv env(paths, *runtime, actor);
        CommandResult r;
        r.code = RunAdminCommand(env, args, out, err);
        r.out = out.str();
        r.err = err.str();
        return r;
      });
  // Sessions are store writes like accounts: on the committer thread.
  server->PersistSessions([runtime](WriteBatch batch, bool wait) {
    auto done = std::make_shared<std::promise<void>>();
    runtime->committer().RunExclusive([batch = std::move(batch), wait, done](Ingestor& ing) {
      if (Status s = ing.ctx().store.Write(batch, /*sync=*/wait); !s.ok()) {
        util::LogLine("dashboard: cannot store a session change: " + s.message());
      }
      done->set_value();
    });
    if (wait) done->get_future().wait();  // an httplib thread, never the committer's
  });
  server->AddRoutes([runtime](httplib::Server& http) {
    MountMetrics(http, runtime->metrics(), runtime->metrics_allow());
  });
  auto started = server->Start(options);
  if (!started.ok()) return started.status();
  *url = *started;
  return server;
}

}  // namespace wardsync::server::dashboard

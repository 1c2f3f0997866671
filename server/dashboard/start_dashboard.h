// Starts the dashboard next to a running server (`run --dashboard`): its
// commands run in process against the runtime's store and committer, as the
// logged-in account (DashboardAdminEnv), exactly like commands forwarded over
// the control socket.
#pragma once
#include <memory>

#include "server/dashboard/dashboard_server.h"
#include "server/runtime/server_runtime.h"

namespace wardsync::server::dashboard {

// On success the server is serving and its URL is in *url.
Result<std::unique_ptr<DashboardServer>> StartDashboard(ServerRuntime& rt, const DashboardOptions& options,
                                                        std::string* url);

}  // namespace wardsync::server::dashboard

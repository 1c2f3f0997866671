// The committee dashboard (`wardsync-server run --dashboard HOST:PORT`):
// cpp-httplib on its own threads, HTTPS by default, static pages built into
// the binary, a JSON API (DashboardApi) over the admin commands.
//
// Every /api/ request except /api/login needs a live session cookie
// (Secure, HttpOnly, SameSite=Strict, idle expiry, kept across restarts),
// else 401 and nothing
// runs; the account is re-read from the store at each request, so a disabled
// account or a changed password ends its sessions at once. Every POST also
// needs the session's anti-CSRF token in X-CSRF-Token and a JSON body, and,
// when the browser sends an Origin, that it is this server. Every request,
// pages included, must name this server in Host (host_check.h: DNS
// rebinding). Responses carry
// the strict security headers of common/web.
#pragma once
#include <functional>
#include <vector>
#include <memory>
#include <string>
#include <thread>

#include "common/clock/clock.h"
#include "common/status.h"
#include "common/store/kv_store.h"
#include "server/dashboard/command_runner.h"
#include "server/dashboard/dashboard_api.h"
#include "server/dashboard/host_check.h"
#include "server/dashboard/session_table.h"

namespace httplib {
class Server;
class Request;
class Response;
}  // namespace httplib

namespace wardsync::server::dashboard {

struct DashboardOptions {
  std::string listen;          // IP:PORT, port 0 picks one
  std::string data_dir;        // for DIR/dashboard-url and the default certificate
  std::string cert_file, key_file;  // empty: DIR/dashboard.pem (dashboard_cert.h)
  bool plain_http = false;     // loopback only (behind a reverse proxy)
  std::vector<std::string> names;  // --dashboard-name: Host names it answers to besides its address (host_check.h)
  uint64_t idle_ms = 30 * 60 * 1000;
};

// The options make sense (listen address, plain HTTP only on loopback, cert
// and key together), checked before anything starts.
Status CheckDashboardOptions(const DashboardOptions& options);

class DashboardServer {
 public:
  DashboardServer(KvStore& store, const Clock& clock, CommandRunner run);
  ~DashboardServer();

  // Binds, writes the URL to DIR/dashboard-url and serves until Stop.
  // Returns the URL ("https://127.0.0.1:PORT/").
  Result<std::string> Start(const DashboardOptions& options);
  void Stop();

  static constexpr size_t kMaxBody = 64 * 1024;

  // Routes of other parts served on the same port without a dashboard
  // session (the Prometheus /metrics, which checks its own allow list).
  // Called before Start.
  void AddRoutes(std::function<void(httplib::Server&)> mount) { extra_routes_.push_back(std::move(mount)); }
  // Keep sessions in the store through `write` (the committer), so they
  // survive a restart (session_table.h). Called before Start; without it
  // sessions live in memory only.
  void PersistSessions(SessionWrite write) { write_sessions_ = std::move(write); }

 private:
  // Every route of the dashboard is mounted here, on the one httplib server
  // (the metrics endpoint, issue 12, is mounted here too).
  void MountRoutes(httplib::Server& s);

  struct Who {
    Caller caller;
    Session session;
  };
  // The caller of an /api/ request, or nullopt with `res` already answered
  // (401 no session, 403 CSRF/Origin, 415 not JSON).
  std::optional<Who> Authenticate(const httplib::Request& req, httplib::Response& res);
  void Login(const httplib::Request& req, httplib::Response& res);

  KvStore& store_;
  const Clock& clock_;
  DashboardApi api_;
  SessionTable sessions_;
  SessionWrite write_sessions_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string cookie_;   // "wardsync_dash"
  bool secure_ = true;
  HostCheck hosts_;
  std::string dummy_hash_;
  std::vector<std::function<void(httplib::Server&)>> extra_routes_;  // checked for unknown names, so they take as long as known ones
};

}  // namespace wardsync::server::dashboard

#include "server/dashboard/dashboard_server.h"

#include <httplib.h>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "common/crypto/digest.h"
#include "common/util/files.h"
#include "common/util/log.h"
#include "common/web/web_common.h"
#include "server/accounts/password_hash.h"
#include "server/dashboard/dashboard_assets.h"
#include "server/dashboard/dashboard_cert.h"

namespace wardsync::server::dashboard {
namespace {

void Send(httplib::Response& res, const ApiReply& r) {
  res.status = r.status;
  if (!r.filename.empty()) {
    res.set_header("Content-Disposition", "attachment; filename=\"" + r.filename + "\"");
  }
  res.set_content(r.body, r.content_type.c_str());
}

DashboardApi::Params Query(const httplib::Request& req) {
  DashboardApi::Params q;
  for (const auto& [k, v] : req.params) q[k] = v;
  return q;
}

}  // namespace

DashboardServer::DashboardServer(KvStore& store, const Clock& clock, CommandRunner run)
    : store_(store), clock_(clock), api_(std::move(run)), cookie_("wardsync_dash") {
  dummy_hash_ = accounts::HashPassword("not a password of anyone " + std::to_string(clock.NowMs())).value();
}

DashboardServer::~DashboardServer() { Stop(); }

Status CheckDashboardOptions(const DashboardOptions& o) {
  auto addr = web::ParseListen(o.listen, "--dashboard");
  if (!addr.ok()) return addr.status();
  if (o.plain_http && !addr->loopback) {
    return Status::Invalid("--dashboard-plain-http: " + addr->host +
                           " is not a loopback address; passwords and session cookies would cross the network in "
                           "clear (serve HTTPS, or put a TLS reverse proxy in front on 127.0.0.1)");
  }
  if (o.cert_file.empty() != o.key_file.empty()) {
    return Status::Invalid("--dashboard-cert and --dashboard-key go together");
  }
  if (o.plain_http && !o.cert_file.empty()) {
    return Status::Invalid("--dashboard-plain-http serves no certificate: drop --dashboard-cert/--dashboard-key");
  }
  for (const auto& name : o.names) WS_RETURN_IF_ERROR(CheckDashboardName(name));
  return Status::Ok();
}

Result<std::string> DashboardServer::Start(const DashboardOptions& o) {
  WS_RETURN_IF_ERROR(CheckDashboardOptions(o));
  auto addr = web::ParseListen(o.listen, "--dashboard");
  if (o.plain_http) {
    server_ = std::make_unique<httplib::Server>();
  } else {
    CertFiles files{o.cert_file, o.key_file};
    if (files.cert.empty()) {
      auto made = EnsureDashboardCert(o.data_dir);
      if (!made.ok()) return Status(made.status().code(), "--dashboard: " + made.status().message());
      files = *made;
    }
    auto ssl = std::make_unique<httplib::SSLServer>(files.cert.c_str(), files.key.c_str());
    if (!ssl->is_valid()) {
      return Status::Invalid("--dashboard: cannot use the certificate " + files.cert + " with the key " + files.key +
                             " (unreadable, not PEM, or they do not match)");
    }
    // TLS 1.2 or newer only (cpp-httplib sets no floor of its own).
    SSL_CTX_set_min_proto_version(ssl->ssl_context(), TLS1_2_VERSION);
    server_ = std::move(ssl);
  }
  secure_ = !o.plain_http;
  hosts_ = HostCheck(*addr, o.names);
  sessions_.set_idle_ms(o.idle_ms);
  if (write_sessions_) {
    Status loaded = sessions_.Persist(store_, write_sessions_, clock_.NowMs());
    if (!loaded.ok()) return Status(loaded.code(), "--dashboard: cannot read the stored sessions: " + loaded.message());
  }
  server_->new_task_queue = [] { return new httplib::ThreadPool(web::kDashboardThreads); };
  server_->set_keep_alive_timeout(web::kKeepAliveSeconds);
  server_->set_payload_max_length(kMaxBody);
  server_->set_read_timeout(10, 0);
  server_->set_write_timeout(30, 0);
  server_->set_keep_alive_max_count(100);
  server_->set_default_headers(httplib::Headers(web::SecurityHeaders().begin(), web::SecurityHeaders().end()));
  int bound = addr->port == 0 ? server_->bind_to_any_port(addr->host)
                              : (server_->bind_to_port(addr->host, addr->port) ? addr->port : -1);
  if (bound <= 0) return Status::Unavailable("--dashboard: cannot listen on " + o.listen);
  MountRoutes(*server_);
  web::ListenAddress shown = *addr;
  if (shown.host == "0.0.0.0") shown.host = "127.0.0.1";
  if (shown.host == "::") shown.host = "::1";
  const std::string url = std::string(secure_ ? "https" : "http") + "://" + shown.HostPort(bound) + "/";
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  if (Status s = util::WriteFileAtomic(o.data_dir + "/dashboard-url", url + "\n", 0644); !s.ok()) {
    util::LogLine("cannot record the dashboard URL in " + o.data_dir + "/dashboard-url: " + s.message());
  }
  return url;
}

void DashboardServer::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

std::optional<DashboardServer::Who> DashboardServer::Authenticate(const httplib::Request& req,
                                                                  httplib::Response& res) {
  const uint64_t now = clock_.NowMs();
  auto session = sessions_.Touch(web::CookieValue(req.get_header_value("Cookie"), cookie_), now);
  if (!session) {
    Send(res, JsonError(401, "not logged in, or the session ended (idle too long): log in again"));
    return std::nullopt;
  }
  auto user = accounts::LoadUser(store_, session->user);
  if (!user.ok() || user->disabled() || !session->SamePassword(user->password_hash())) {
    sessions_.End(*session);
    Send(res, JsonError(401, user.ok() && user->disabled() ? "this account has been disabled"
                                                             : "the session ended (the account changed): log in again"));
    return std::nullopt;
  }
  if (req.method != "GET" && req.method != "HEAD") {
    const std::string origin = req.get_header_value("Origin");
    if (!origin.empty() && origin != std::string(secure_ ? "https://" : "http://") + req.get_header_value("Host")) {
      Send(res, JsonError(403, "request from another site (Origin " + origin + ") refused"));
      return std::nullopt;
    }
    if (!crypto::SecureEqual(req.get_header_value("X-CSRF-Token"), session->csrf) || session->csrf.empty()) {
      Send(res, JsonError(403, "missing or wrong anti-CSRF token (header X-CSRF-Token)"));
      return std::nullopt;
    }
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
      Send(res, JsonError(415, "the request body must be JSON (Content-Type: application/json)"));
      return std::nullopt;
    }
  }
  Who who;
  who.caller.user = *user;
  who.caller.role = accounts::ParseDashRole(user->role()).value_or(accounts::DashRole::kViewer);
  who.caller.scope = accounts::WardScope::Of(*user);
  who.caller.address = req.remote_addr;
  who.session = *session;
  return who;
}

void DashboardServer::Login(const httplib::Request& req, httplib::Response& res) {
  if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
    Send(res, JsonError(415, "the request body must be JSON (Content-Type: application/json)"));
    return;
  }
  google::protobuf::Struct body;
  std::string name, password;
  if (google::protobuf::util::JsonStringToMessage(req.body, &body).ok()) {
    if (body.fields().count("username")) name = body.fields().at("username").string_value();
    if (body.fields().count("password")) password = body.fields().at("password").string_value();
  }
  if (name.empty() || password.empty()) {
    Send(res, JsonError(400, "give a user name and a password"));
    return;
  }
  const std::string from = req.remote_addr;
  const uint64_t now = clock_.NowMs();
  if (uint64_t wait = sessions_.RetryAfterS(name, from, now)) {
    util::LogLine("dashboard: login for \"" + name + "\" from " + from + " refused: too many wrong passwords, " +
                  std::to_string(wait) + " s to wait");
    res.set_header("Retry-After", std::to_string(wait));
    Send(res, JsonError(429, "too many wrong passwords: try again in " + std::to_string(wait) + " s"));
    return;
  }
  auto user = accounts::CheckUserName(name).ok() ? accounts::LoadUser(store_, name)
                                                 : Result<wardsync::store::DashboardUser>(Status::NotFound(""));
  const bool known = user.ok();
  const bool match = accounts::CheckPassword(password, known ? user->password_hash() : dummy_hash_) && known;
  if (!match) {
    uint32_t n = sessions_.Failed(name, from, now);
    util::LogLine("dashboard: wrong password for \"" + name + "\" from " + from + " (" + std::to_string(n) +
                  " in a row)");
    Send(res, JsonError(401, "wrong user name or password"));
    return;
  }
  if (user->disabled()) {
    util::LogLine("dashboard: login for disabled account \"" + name + "\" from " + from + " refused");
    Send(res, JsonError(403, "this account has been disabled"));
    return;
  }
  sessions_.Succeeded(name, from);
  Session s = sessions_.Create(name, user->password_hash(), from, now);
  util::LogLine("dashboard: " + name + " logged in from " + from);
  res.set_header("Set-Cookie", cookie_ + "=" + s.id + "; Path=/; HttpOnly; SameSite=Strict" +
                                   (secure_ ? "; Secure" : ""));
  Caller c{*user, accounts::ParseDashRole(user->role()).value_or(accounts::DashRole::kViewer),
           accounts::WardScope::Of(*user), from};
  Send(res, api_.Session(c, s.csrf));
}

void DashboardServer::MountRoutes(httplib::Server& s) {
  // Before any route, /metrics included: a request naming another host is
  // refused whatever it asks for (DNS rebinding, host_check.h).
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    const std::string host = req.get_header_value("Host");
    if (hosts_.Allows(host)) return httplib::Server::HandlerResponse::Unhandled;
    util::LogLine("dashboard: request from " + req.remote_addr + " for host \"" + host.substr(0, 100) +
                  "\" refused (not this server)");
    Send(res, JsonError(403, "wrong Host header: this server answers only to " + hosts_.Expected()));
    return httplib::Server::HandlerResponse::Handled;
  });
  for (const auto& mount : extra_routes_) mount(s);
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string what = res.status == 413 ? "the request body is larger than 64 KiB"
                       : res.status == 404 ? "no such page or API: " + req.path
                                           : "request refused (HTTP " + std::to_string(res.status) + ")";
    Send(res, JsonError(res.status, what));
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Send(res, JsonError(500, "internal error"));
  });

  // Pages hold no data (their API calls do): no session needed.
  s.Get(R"(/(|[a-z0-9_-]+\.(html|js|css|svg)))", [](const httplib::Request& req, httplib::Response& res) {
    const Asset* a = FindAsset(req.path);
    if (a == nullptr) {
      res.status = 404;
      return;
    }
    res.set_content(std::string(a->body), std::string(a->content_type).c_str());
  });
  s.Post("/api/login", [this](const httplib::Request& req, httplib::Response& res) { Login(req, res); });

  // An API route: authenticated, then the DashboardApi call.
  using Call = std::function<ApiReply(const Who&, const httplib::Request&)>;
  auto api = [this](Call call) {
    return [this, call](const httplib::Request& req, httplib::Response& res) {
      auto who = Authenticate(req, res);
      if (who) Send(res, call(*who, req));
    };
  };
  s.Post("/api/logout", api([this](const Who& w, const httplib::Request&) {
           sessions_.End(w.session);
           return ApiReply{200, "{}"};
         }));
  s.Get("/api/session", api([this](const Who& w, const httplib::Request&) {
          return api_.Session(w.caller, w.session.csrf);
        }));
  s.Get("/api/overview", api([this](const Who& w, const httplib::Request&) { return api_.Overview(w.caller); }));
  s.Get("/api/forms", api([this](const Who& w, const httplib::Request&) { return api_.Forms(w.caller); }));
  s.Get("/api/wards", api([this](const Who& w, const httplib::Request&) { return api_.Wards(w.caller); }));
  s.Get("/api/records", api([this](const Who& w, const httplib::Request& r) {
          return api_.Records(w.caller, Query(r));
        }));
  s.Get(R"(/api/records/([0-9a-fA-F]{32})/history)", api([this](const Who& w, const httplib::Request& r) {
          return api_.History(w.caller, r.matches[1]);
        }));
  s.Post(R"(/api/records/([0-9a-fA-F]{32})/review)", api([this](const Who& w, const httplib::Request& r) {
           return api_.Review(w.caller, r.matches[1], r.body);
         }));
  s.Get("/api/conflicts", api([this](const Who& w, const httplib::Request& r) {
          return api_.Conflicts(w.caller, Query(r));
        }));
  s.Post(R"(/api/conflicts/([A-Za-z0-9:_.-]{1,128})/resolve)", api([this](const Who& w, const httplib::Request& r) {
           return api_.Resolve(w.caller, r.matches[1], r.body);
         }));
  s.Get("/api/report", api([this](const Who& w, const httplib::Request&) { return api_.Report(w.caller); }));
  s.Get("/api/export", api([this](const Who& w, const httplib::Request& r) {
          return api_.Export(w.caller, Query(r));
        }));
  s.Get("/api/devices", api([this](const Who& w, const httplib::Request&) { return api_.Devices(w.caller); }));
  s.Post("/api/devices/enroll", api([this](const Who& w, const httplib::Request& r) {
           return api_.Enroll(w.caller, r.body);
         }));
  s.Get("/api/devices/codes", api([this](const Who& w, const httplib::Request&) { return api_.Codes(w.caller); }));
  s.Post(R"(/api/devices/codes/([0-9a-f]{16})/cancel)", api([this](const Who& w, const httplib::Request& r) {
           return api_.CancelCode(w.caller, r.matches[1]);
         }));
  s.Post(R"(/api/devices/([A-Za-z0-9:_.-]{1,128})/revoke)", api([this](const Who& w, const httplib::Request& r) {
           return api_.Revoke(w.caller, r.matches[1], r.body);
         }));
}

}  // namespace wardsync::server::dashboard

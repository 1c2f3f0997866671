#include "client/ui/ui_server.h"

#include <httplib.h>

#include <charconv>

#include "client/ui/ui_assets.h"
#include "common/attach/attachment_value.h"
#include "common/web/web_common.h"

namespace wardsync::client::ui {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

void Reply(httplib::Response& res, const ApiReply& r) {
  res.status = r.status;
  res.set_content(r.json, kJson);
}

// Loopback only: the session cookie and the secret travel in clear HTTP,
// so the app is for this machine only.
Result<web::ListenAddress> ParseLoopbackListen(const std::string& listen) {
  auto a = web::ParseListen(listen, "--ui");
  if (a.ok() && !a->loopback) {
    return Status::Invalid("--ui: " + a->host + " is not a loopback address; the officer app serves this machine only");
  }
  return a;
}

constexpr const char* kUploadPath = "/api/attachments";

// The body's declared length: nullopt when absent, -1 when unreadable.
std::optional<int64_t> ContentLength(const httplib::Request& req) {
  if (!req.has_header("Content-Length")) return std::nullopt;
  const std::string v = req.get_header_value("Content-Length");
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n > INT64_MAX) return -1;
  return static_cast<int64_t>(n);
}

// The media type of a Content-Type header, without its parameters.
std::string MediaType(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

}  // namespace

UiServer::UiServer(ClientEnv& env)
    : env_(env), api_(env), intake_(env), server_(std::make_unique<httplib::Server>()) {}

UiServer::~UiServer() { Stop(); }

Result<std::string> UiServer::Start(const std::string& listen) {
  auto addr = ParseLoopbackListen(listen);
  if (!addr.ok()) return addr.status();
  const std::string host = addr->host;
  const int port = addr->port;
  server_->new_task_queue = [] { return new httplib::ThreadPool(web::kOfficerAppThreads); };
  server_->set_keep_alive_timeout(web::kKeepAliveSeconds);
  // The library's own ceiling is the largest attachment any form may allow
  // (a field's max_bytes is at most this); the guard below holds every
  // other body to kMaxBody, and the upload to its field's max_bytes, from
  // Content-Length, before a byte of it is read.
  server_->set_payload_max_length(wardsync::attach::kMaxAttachmentBytes);
  server_->set_read_timeout(10, 0);
  server_->set_write_timeout(10, 0);
  server_->set_keep_alive_max_count(100);
  server_->set_default_headers(httplib::Headers(web::SecurityHeaders().begin(), web::SecurityHeaders().end()));
  int bound = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) return Status::Unavailable("--ui: cannot listen on " + listen);
  host_ = addr->HostPort(bound);
  cookie_name_ = "wardsync_ui_" + std::to_string(bound);
  intake_.Sweep();
  Routes();
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return "http://" + host_ + "/login?token=" + auth_.secret();
}

void UiServer::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

void UiServer::Routes() {
  auto& s = *server_;
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Host") != host_) {
      Reply(res, JsonError(403, "wrong Host header: this server answers only to " + host_));
      return httplib::Server::HandlerResponse::Handled;
    }
    // Before any body is read: its length must be said, and within the limit.
    const bool upload = req.path == kUploadPath;
    const auto length = ContentLength(req);
    const bool has_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE";
    if (req.has_header("Transfer-Encoding") || (length && *length < 0) || (has_body && !length)) {
      Reply(res, JsonError(411, "a request body must say its length (Content-Length; no chunked bodies)"));
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!upload && length && *length > static_cast<int64_t>(kMaxBody)) {
      Reply(res, JsonError(413, "the request body is larger than 64 KiB"));
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path.rfind("/api/", 0) != 0) return httplib::Server::HandlerResponse::Unhandled;
    const std::string session = web::CookieValue(req.get_header_value("Cookie"), cookie_name_);
    if (session.empty() || !auth_.Csrf(session)) {
      Reply(res, JsonError(401, "no valid session: open the link printed by `wardsync ui --data DIR`"));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      if (!auth_.CheckCsrf(session, req.get_header_value("X-CSRF-Token"))) {
        Reply(res, JsonError(403, "missing or wrong anti-CSRF token (header X-CSRF-Token)"));
        return httplib::Server::HandlerResponse::Handled;
      }
      if (!upload && req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
        Reply(res, JsonError(415, "the request body must be JSON (Content-Type: application/json)"));
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string what = res.status == 413 ? "the request body is larger than 64 KiB"
                       : res.status == 404 ? "no such page or API: " + req.path
                                           : "request refused (HTTP " + std::to_string(res.status) + ")";
    res.set_content(JsonError(res.status, what).json, kJson);
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    Reply(res, JsonError(500, "internal error"));
  });

  // Pages (no session needed: they hold no data; their API calls do).
  s.Get(R"(/(|index\.html|app\.js|i18n\.js|form_render\.js|record_state\.js|attachment_field\.js|app\.css|record_state\.css|attachment_field\.css|favicon\.svg))", [](const httplib::Request& req, httplib::Response& res) {
    const Asset* a = FindAsset(req.path);
    if (a == nullptr) {
      res.status = 404;
      return;
    }
    res.set_content(std::string(a->body), std::string(a->content_type).c_str());
  });
  // The secret from the printed URL, traded for a session cookie.
  s.Get("/login", [this](const httplib::Request& req, httplib::Response& res) {
    auto session = auth_.Login(req.get_param_value("token"));
    if (!session) {
      Reply(res, JsonError(401, "this link is not valid (the agent makes a new one at each start): run `wardsync ui --data DIR`"));
      return;
    }
    res.set_header("Set-Cookie", cookie_name_ + "=" + *session + "; HttpOnly; SameSite=Strict; Path=/");
    res.set_redirect("/", 303);
  });

  auto session_of = [this](const httplib::Request& req) {
    return web::CookieValue(req.get_header_value("Cookie"), cookie_name_);
  };
  s.Get("/api/session", [this, session_of](const httplib::Request& req, httplib::Response& res) {
    Reply(res, api_.Session(auth_.Csrf(session_of(req)).value_or("")));
  });
  s.Get("/api/status", [this](const httplib::Request&, httplib::Response& res) { Reply(res, api_.Status()); });
  s.Get("/api/forms", [this](const httplib::Request&, httplib::Response& res) { Reply(res, api_.Forms()); });
  s.Get("/api/records", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, api_.Records(req.get_param_value("form")));
  });
  s.Get(R"(/api/records/([0-9a-fA-F]{32}))", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, api_.Record(req.matches[1]));
  });
  s.Post("/api/records", [this](const httplib::Request& req, httplib::Response& res) { Reply(res, api_.Create(req.body)); });
  s.Post(R"(/api/records/([0-9a-fA-F]{32}))", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, api_.Update(req.matches[1], req.body));
  });
  s.Post(R"(/api/records/([0-9a-fA-F]{32})/delete)", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, api_.Delete(req.matches[1]));
  });
  s.Post("/api/sync", [this](const httplib::Request&, httplib::Response& res) { Reply(res, api_.SyncNow()); });
  s.Get("/api/conflicts", [this](const httplib::Request&, httplib::Response& res) { Reply(res, api_.Conflicts()); });
  s.Post("/api/resolve", [this](const httplib::Request& req, httplib::Response& res) { Reply(res, api_.Resolve(req.body)); });
  // An attachment's bytes, read as they arrive (attachment_intake.h).
  s.Post(kUploadPath, [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    UploadRequest up{req.get_param_value("form"), req.get_param_value("field"), req.get_param_value("name"),
                     MediaType(req.get_header_value("Content-Type")), std::nullopt};
    if (auto length = ContentLength(req)) up.length = static_cast<uint64_t>(*length);
    const ApiReply r = intake_.Receive(up, [&reader](const BodyChunk& chunk) {
      return reader([&chunk](const char* data, size_t size) { return chunk(data, size); });
    });
    Reply(res, r);
    if (r.status >= 400) res.set_header("Connection", "close");  // what was not read of the body goes with it
  });
  s.Post(R"(/api/forms/([a-z0-9][a-z0-9_-]*)/evaluate)", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, api_.Evaluate(req.matches[1], req.body));
  });
}

}  // namespace wardsync::client::ui

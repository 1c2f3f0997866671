// The officer app's HTTP server (cpp-httplib, on its own threads), run by
// `wardsync agent --ui HOST:PORT`. Every request first passes the guard:
//   - Host must be exactly the listening address (no DNS rebinding);
//   - /api/* needs the session cookie (else 401, nothing changes);
//   - POST /api/* also needs the session's anti-CSRF token in X-CSRF-Token
//     and a JSON body (Content-Type application/json), at most 64 KiB;
//   - except POST /api/attachments (attachment_intake.h): the raw bytes of a
//     photo or PDF, up to the field's max_bytes (at most 10 MiB), Content-Type
//     its media type;
//   - a body must say its length (Content-Length; no chunked bodies), so
//     every limit is applied before the body is read.
// Every response carries a strict Content-Security-Policy (nothing inline,
// nothing from elsewhere), nosniff, no referrer and no framing.
#pragma once
#include <memory>
#include <string>
#include <thread>

#include "client/cli/client_env.h"
#include "client/ui/attachment_intake.h"
#include "client/ui/ui_api.h"
#include "client/ui/ui_auth.h"
#include "common/status.h"

namespace httplib {
class Server;
}

namespace wardsync::client::ui {

class UiServer {
 public:
  explicit UiServer(ClientEnv& env);
  ~UiServer();

  // Listens on `listen` (IP:PORT on a loopback address; port 0 picks a free
  // one) and serves until Stop. Returns the URL to open, with the secret.
  Result<std::string> Start(const std::string& listen);
  void Stop();

  static constexpr size_t kMaxBody = 64 * 1024;  // every body but an upload's

 private:
  void Routes();

  ClientEnv& env_;
  UiAuth auth_;
  UiApi api_;
  AttachmentIntake intake_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string host_;         // the Host header every request must carry: "127.0.0.1:PORT"
  std::string cookie_name_;  // per port, so two agents on one machine keep apart
};

}  // namespace wardsync::client::ui

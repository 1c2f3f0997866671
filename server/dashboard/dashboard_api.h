// The dashboard's JSON API, free of HTTP: each call runs admin commands of
// wardsync-server (CommandRunner) as the logged-in account and passes their
// --json output on, cut down to the account's wards. What the account's role
// may not do is refused here (403) before anything runs.
#pragma once
#include <map>
#include <string>

#include "server/accounts/user_store.h"
#include "server/dashboard/command_runner.h"

namespace wardsync::server::dashboard {

struct ApiReply {
  ApiReply(int s = 200, std::string b = "", std::string type = "application/json; charset=utf-8")
      : status(s), body(std::move(b)), content_type(std::move(type)) {}
  int status;
  std::string body;
  std::string content_type;
  std::string filename;  // set: a download (Content-Disposition: attachment)
};
ApiReply JsonError(int status, const std::string& message);

// Who is asking: the account as stored now, and from where.
struct Caller {
  wardsync::store::DashboardUser user;
  accounts::DashRole role = accounts::DashRole::kViewer;
  accounts::WardScope scope;
  std::string address;
  // As kept in the record's history and the log: "alice (dashboard, 10.0.0.7)".
  std::string Actor() const { return user.name() + " (dashboard, " + address + ")"; }
};

class DashboardApi {
 public:
  explicit DashboardApi(CommandRunner run) : run_(std::move(run)) {}

  using Params = std::map<std::string, std::string>;
  ApiReply Session(const Caller& c, const std::string& csrf);
  ApiReply Overview(const Caller& c);                        // GET  /api/overview
  ApiReply Forms(const Caller& c);                           // GET  /api/forms
  // GET /api/wards: the published ward list (ids and Vietnamese names), so
  // pages name wards as people do. Public data: not cut down to the scope.
  ApiReply Wards(const Caller& c);
  ApiReply Records(const Caller& c, const Params& q);        // GET  /api/records?ward=&form=
  ApiReply History(const Caller& c, const std::string& record);  // GET /api/records/ID/history
  // POST /api/records/ID/review {state: approved|needs-correction|received, comment}
  ApiReply Review(const Caller& c, const std::string& record, const std::string& body);
  ApiReply Conflicts(const Caller& c, const Params& q);      // GET  /api/conflicts?ward=
  // POST /api/conflicts/ID/resolve {reason, and one of: pick, value, set {FIELD: V}, dismiss, delete}
  ApiReply Resolve(const Caller& c, const std::string& conflict, const std::string& body);
  ApiReply Report(const Caller& c);                          // GET  /api/report
  ApiReply Export(const Caller& c, const Params& q);         // GET  /api/export?form=&format=&ward=
  ApiReply Devices(const Caller& c);                         // GET  /api/devices
  ApiReply Enroll(const Caller& c, const std::string& body); // POST /api/devices/enroll
  ApiReply Revoke(const Caller& c, const std::string& device, const std::string& body);  // POST
  ApiReply Codes(const Caller& c);                           // GET  /api/devices/codes (unused ones)
  ApiReply CancelCode(const Caller& c, const std::string& id);  // POST /api/devices/codes/ID/cancel

 private:
  CommandResult Run(const Caller& c, std::vector<std::string> args) { return run_(args, c.Actor()); }
  // 200 with the command's output, or its error (400 for usage, 409 otherwise).
  ApiReply Pass(const CommandResult& r);
  // Runs a command that takes --ward once per ward in scope (or once with the
  // asked ward) and joins the arrays it prints.
  ApiReply PerWard(const Caller& c, std::vector<std::string> args, const std::string& ward);

  CommandRunner run_;
};

}  // namespace wardsync::server::dashboard

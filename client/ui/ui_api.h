// The officer app's JSON API, free of HTTP: each call is one client command
// run through RunClientCommand, exactly as typed on the command line or
// forwarded to the agent (status, forms, list, show, new, edit, delete,
// sync), so the page has no rule of its own. Saving first asks CheckFields
// for every problem at once (to show each next to its field); Capture then
// validates again and alone decides what is stored.
//
// Request bodies are JSON objects; a bad one is a 400 with {"error": ...}.
// Home lists the changes the server kept as rejected from `status --json`
// ("rejected", the same list `wardsync list --rejected` prints), each with a
// link to the record to fix it. The review queue is `conflicts --json` and a
// decision is `resolve` (reviewer devices), as on the command line.
//
// Thread-safe: commands run one at a time, except `sync`, which the agent
// serializes with its own rounds and which must not hold up the rest.
#pragma once
#include <mutex>
#include <string>
#include <vector>

#include "client/cli/client_env.h"
#include "client/ui/reach_probe.h"

namespace wardsync::client::ui {

struct ApiReply {
  int status = 200;
  std::string json;  // the body
};

ApiReply JsonError(int status, const std::string& message);

class UiApi {
 public:
  explicit UiApi(ClientEnv& env) : env_(env), reach_(env.clock()) {}

  ApiReply Session(const std::string& csrf);           // GET  /api/session
  ApiReply Status();                                   // GET  /api/status
  ApiReply Forms();                                    // GET  /api/forms
  ApiReply Records(const std::string& form_id);        // GET  /api/records?form=F
  ApiReply Record(const std::string& id);              // GET  /api/records/ID
  ApiReply Create(const std::string& body);            // POST /api/records {"form":F,"values":{...}}
  ApiReply Update(const std::string& id, const std::string& body);  // POST /api/records/ID {"values":{...}}
  ApiReply Delete(const std::string& id);              // POST /api/records/ID/delete
  ApiReply SyncNow();                                  // POST /api/sync
  ApiReply Conflicts();                                // GET  /api/conflicts (the review queue)
  ApiReply Resolve(const std::string& body);           // POST /api/resolve {"conflict":ID, "pick":N|"value":V|"set":{..}|"dismiss":true, "reason":R}
  ApiReply Evaluate(const std::string& form_id, const std::string& body);  // POST /api/forms/F/evaluate (form_eval.h)

 private:
  struct Ran {
    int code;
    std::string out, err;
  };
  Ran Run(const std::vector<std::string>& args, bool serialize = true);
  // 200 with the command's JSON output, or the command's error.
  ApiReply Pass(const std::vector<std::string>& args);
  std::string AttachmentsJson(const records::RecordState& record);

  ClientEnv& env_;
  ReachProbe reach_;  // live reachability for Home (its own lock: a probe never holds up commands)
  std::mutex mu_;
};

}  // namespace wardsync::client::ui

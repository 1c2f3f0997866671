// The officer app's JSON API, free of HTTP: each call is one client command
// run through RunClientCommand, exactly as typed on the command line or
// forwarded to the agent (status, forms, list, show, new, edit, delete,
// sync), so the page has no rule of its own. Saving first asks CheckFields
// for every problem at once (to show each next to its field); Capture then
// validates again and alone decides what is stored.
//
// Request bodies are JSON objects; a bad one is a 400 with {"error": ...}.
// FOLLOW-UP (issue 11): changes the server kept as rejected. The "core" branch
// adds `ConflictKind kind = 11; string problem = 13;` to records.proto
// Conflict (kind REJECTED); once merged, Home should list the records whose
// conflicts are REJECTED with `problem` and a link to #/record/ID to fix them
// (`list --conflicts --json` already returns them). Not done here so this
// branch does not depend on that one.
//
// Thread-safe: commands run one at a time, except `sync`, which the agent
// serializes with its own rounds and which must not hold up the rest.
#pragma once
#include <mutex>
#include <string>
#include <vector>

#include "client/cli/client_env.h"

namespace wardsync::client::ui {

struct ApiReply {
  int status = 200;
  std::string json;  // the body
};

ApiReply JsonError(int status, const std::string& message);

class UiApi {
 public:
  explicit UiApi(ClientEnv& env) : env_(env) {}

  ApiReply Session(const std::string& csrf);           // GET  /api/session
  ApiReply Status();                                   // GET  /api/status
  ApiReply Forms();                                    // GET  /api/forms
  ApiReply Records(const std::string& form_id);        // GET  /api/records?form=F
  ApiReply Record(const std::string& id);              // GET  /api/records/ID
  ApiReply Create(const std::string& body);            // POST /api/records {"form":F,"values":{...}}
  ApiReply Update(const std::string& id, const std::string& body);  // POST /api/records/ID {"values":{...}}
  ApiReply Delete(const std::string& id);              // POST /api/records/ID/delete
  ApiReply SyncNow();                                  // POST /api/sync

 private:
  struct Ran {
    int code;
    std::string out, err;
  };
  Ran Run(const std::vector<std::string>& args, bool serialize = true);
  // 200 with the command's JSON output, or the command's error.
  ApiReply Pass(const std::vector<std::string>& args);

  ClientEnv& env_;
  std::mutex mu_;
};

}  // namespace wardsync::client::ui

// How the dashboard reaches the server's functions: it runs the very admin
// commands of `wardsync-server` (server/admin/), in process, as the logged-in
// account, and reads their --json output. One code path: a resolution from
// the page is `resolve`, through the committer, like one typed in a terminal.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace wardsync::server::dashboard {

struct CommandResult {
  int code = 0;
  std::string out, err;
};

// args: the command line after the program name, without --data.
// actor: who asked, as kept in logs and audit records ("alice (dashboard, 10.0.0.7)").
using CommandRunner = std::function<CommandResult(const std::vector<std::string>& args, const std::string& actor)>;

}  // namespace wardsync::server::dashboard

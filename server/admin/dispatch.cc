#include "server/admin/dispatch.h"

#include "server/admin/command.h"

namespace wardsync::server {

int RunAdminCommand(AdminEnv& env, const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  size_t consumed = 0;
  const AdminCommand* cmd = FindAdminCommand(args, &consumed);
  if (!cmd) {
    err << "error: unknown command \"" << (args.empty() ? "" : args[0]) << "\" (see wardsync-server --help)\n";
    return 2;
  }
  std::vector<std::string> rest(args.begin() + static_cast<long>(consumed), args.end());
  auto parsed = cli::Args::Parse(rest, cmd->spec);
  if (!parsed.ok()) {
    err << "error: " << parsed.status().message() << "\nusage: wardsync-server " << cmd->usage << "\n";
    return 2;
  }
  return cmd->run(env, *parsed, out, err);
}

}  // namespace wardsync::server

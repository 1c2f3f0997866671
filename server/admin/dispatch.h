// Parses an administrative command line and runs it against an AdminEnv.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "server/admin/admin_env.h"

namespace wardsync::server {

// args: the command line after the program name, e.g. {"records", "--data", "d", "--json"}.
int RunAdminCommand(AdminEnv& env, const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace wardsync::server

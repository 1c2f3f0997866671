// wardsync-server's command line: `init` and `run` here, every other command
// through server/admin (run in this process, or forwarded to the running
// server when it holds the data directory).
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace wardsync::server {

int ServerCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace wardsync::server

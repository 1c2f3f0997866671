// wardsync's command line: `init` and `agent` here; every other command
// through client/cli/command.h, run in this process or, when the agent holds
// the data directory, forwarded to it over its control socket.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace wardsync::client {

int ClientCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace wardsync::client

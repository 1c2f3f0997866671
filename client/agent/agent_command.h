// `wardsync agent --data DIR`: runs the background agent in the foreground
// until SIGINT/SIGTERM, serving the officer's commands for the directory.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace wardsync::client {

int RunAgentCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace wardsync::client

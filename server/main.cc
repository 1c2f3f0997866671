// wardsync-server: parses nothing itself; see server/cli/server_cli.h.
#include <csignal>
#include <iostream>

#include "server/cli/server_cli.h"

int main(int argc, char** argv) {
  // A peer closing mid-write must not kill the server.
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  return wardsync::server::ServerCli(args, std::cout, std::cerr);
}

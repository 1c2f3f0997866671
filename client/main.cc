// wardsync: parses nothing itself; see client/cli/client_cli.h.
#include <csignal>
#include <iostream>

#include "client/cli/client_cli.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  return wardsync::client::ClientCli(args, std::cout, std::cerr);
}

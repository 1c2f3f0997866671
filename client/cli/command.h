// The ward client's commands that work on an enrolled data directory. Each
// is (env, args, out, err) -> exit code and works with the server
// unreachable (except `sync`).
#pragma once
#include <functional>
#include <set>
#include <ostream>
#include <string>
#include <vector>

#include "client/cli/client_env.h"
#include "common/cli/args.h"

namespace wardsync::client {

struct ClientCommand {
  std::string name;
  std::string usage;
  std::string help;
  cli::ArgSpec spec;
  std::function<int(ClientEnv&, const cli::Args&, std::ostream& out, std::ostream& err)> run;
  // Positional arguments it takes (a RECORD, a CONFLICT): any more are
  // refused before it runs, so a value typed without --set is never dropped.
  size_t max_positional = 0;
  // File options made absolute before the command is forwarded to a
  // running agent (which has another working directory).
  std::set<std::string> path_options = {};
};

const std::vector<ClientCommand>& ClientCommands();
const ClientCommand* FindClientCommand(const std::string& name);
// Parses args (after the command name) and runs the command.
int RunClientCommand(ClientEnv& env, const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

int CmdForms(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdNew(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdEdit(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdDelete(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdShow(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdList(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdSync(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdStatus(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdConflicts(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdResolve(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdRotateKey(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdHandover(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);

// What to tell the officer when the server refused the device as revoked
// (RevokedError): its unsent work can only go by a hand-over file.
void PrintRevokedHint(ClientEnv& env, std::ostream& err);

// Capture commands: a warning on `err` when this device's clock is off by
// more than the server allows, as the last sync measured it
// (client/sync/clock_offset.h).
void WarnIfClockOff(ClientEnv& env, std::ostream& err);
int CmdUi(ClientEnv&, const cli::Args&, std::ostream&, std::ostream&);

// "NAME=VALUE" -> pair; error names the bad argument.
Result<std::pair<std::string, std::string>> SplitAssignment(const std::string& text);

}  // namespace wardsync::client

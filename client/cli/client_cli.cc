#include "client/cli/client_cli.h"

#include "client/agent/agent_command.h"

#include "client/cli/command.h"
#include "client/cli/init_device.h"
#include "client/client_paths.h"
#include "common/util/terminal_stream.h"
#include "common/cli/args.h"
#include "common/control/control_channel.h"
#include "common/store/store_factory.h"
#include "common/util/files.h"

namespace wardsync::client {
namespace {

constexpr const char* kInitUsage =
    "init --data DIR [--server HOST:PORT]... --code CODE [--officer NAME] [--label TEXT]";

void Usage(std::ostream& out) {
  out << "wardsync - the ward client of wardsync (works offline; syncs when the server is reachable)\n\n"
      << "usage: wardsync COMMAND --data DIR [options]\n\ncommands:\n  " << kInitUsage
      << "\n      Generate this device's key (it never leaves the device), enroll with a one-time code, pull the "
         "forms. Without --server, the addresses in the code; several --server: tried in turn.\n";
  for (const auto& c : ClientCommands()) out << "  " << c.usage << "\n      " << c.help << "\n";
  out << "  agent --data DIR [--ui IP:PORT] [--interval-s S] [--max-backoff-s S]\n      Sync in the background until "
         "SIGINT/SIGTERM; --ui also serves the officer app (see wardsync agent --help).\n";
  out << "\nEvery command prints errors on stderr and exits non-zero; --json prints JSON on stdout.\n"
      << "While `wardsync agent` runs on a data directory, the other commands are forwarded to it.\n";
}

int Init(const std::vector<std::string>& rest, std::ostream& out, std::ostream& err) {
  auto a = cli::Args::Parse(rest, {{"data", "server", "code", "officer", "label"}, {"help", "json"}});
  if (!a.ok()) {
    err << "error: " << a.status().message() << "\nusage: wardsync " << kInitUsage << "\n";
    return 2;
  }
  if (a->Flag("help")) {
    out << "usage: wardsync " << kInitUsage << "\n";
    return 0;
  }
  if (!a->positional().empty()) {
    err << "error: unexpected argument \"" << a->positional()[0] << "\"\nusage: wardsync " << kInitUsage << "\n";
    return 2;
  }
  auto data = a->Require("data");
  auto code = a->Require("code");
  if (!data.ok() || !code.ok()) {
    err << "error: " << (!data.ok() ? data.status() : code.status()).message() << "\n";
    return 2;
  }
  InitDeviceOptions o;
  o.data_dir = *data;
  o.code = *code;
  // Several --server (or one comma-separated list): the addresses of the
  // server's `run` processes, tried in turn (common/net/server_list.h).
  for (const auto& s : a->GetAll("server")) o.server += (o.server.empty() ? "" : ",") + s;
  o.officer = a->Get("officer").value_or("officer");
  o.label = a->Get("label").value_or("");
  std::string forms_error;
  Status s = InitDevice(o, out, &forms_error);
  if (!s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  if (!forms_error.empty()) {
    err << "error: enrolled, but the forms could not be pulled yet: " << forms_error
        << "\n(run `wardsync sync --data " << o.data_dir << "` when the server is reachable)\n";
    return 1;
  }
  return 0;
}

// Every other command: open the store here, or forward to the agent holding it.
int Local(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const ClientCommand* cmd = FindClientCommand(args[0]);
  if (!cmd) {
    err << "error: unknown command \"" << args[0] << "\" (see wardsync --help)\n";
    return 2;
  }
  auto a = cli::Args::Parse(std::vector<std::string>(args.begin() + 1, args.end()), cmd->spec);
  if (!a.ok()) {
    err << "error: " << a.status().message() << "\nusage: wardsync " << cmd->usage << "\n";
    return 2;
  }
  if (a->Flag("help")) {
    out << "usage: wardsync " << cmd->usage << "\n\n" << cmd->help << "\n";
    return 0;
  }
  auto data = a->Require("data");
  if (!data.ok()) {
    err << "error: " << data.status().message() << "\n";
    return 2;
  }
  ClientPaths paths(*data);
  if (!util::Exists(paths.db())) {
    err << "error: " << *data << " is not an enrolled device (run: wardsync init --data " << *data
        << " --server HOST:PORT --code CODE)\n";
    return 1;
  }
  // The directory's lock (common/store/dir_lock.h) says whether an agent
  // owns it: then the command is forwarded to the agent.
  auto lock = DirLock::TryAcquire(paths.dir);
  if (!lock.ok()) {
    err << "error: " << lock.status().message() << "\n";
    return 1;
  }
  if (!lock->has_value()) {
    // The agent runs in another directory: file options must be absolute.
    std::vector<std::string> forwarded{args[0]};
    for (auto& x : cli::AbsolutizePaths(std::vector<std::string>(args.begin() + 1, args.end()), cmd->spec,
                                        cmd->path_options, false)) {
      forwarded.push_back(x);
    }
    auto r = control::CallControl(paths.control_socket(), forwarded);
    if (!r.ok()) {
      err << "error: the data directory is in use by another process that does not answer: " << r.status().message()
          << "\n";
      return 1;
    }
    out << r->out();
    err << r->err();
    return r->exit_code();
  }
  auto db = OpenStore(**lock, StoreOptions{});
  if (!db.ok()) {
    err << "error: " << db.status().message() << "\n";
    return 1;
  }
  ClientStore store(**db);
  SystemClock clock;
  ClientEnv env(paths, store, clock);
  return RunClientCommand(env, args, out, err);
}

}  // namespace

namespace {

int CliMain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    Usage(args.empty() ? err : out);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    out << "wardsync 0.1.0\n";
    return 0;
  }
  if (args[0] == "init") return Init(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  if (args[0] == "agent") return RunAgentCommand(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  return Local(args, out, err);
}

}  // namespace

// Officer text reaches the terminal only with its escape codes made visible
// (common/util/terminal_stream.h); JSON and exports stay exact.
int ClientCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  util::TerminalStream safe_err(err);
  if (!util::TextForPerson(args)) return CliMain(args, out, safe_err);
  util::TerminalStream safe_out(out);
  return CliMain(args, safe_out, safe_err);
}

}  // namespace wardsync::client

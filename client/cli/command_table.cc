#include "client/cli/command.h"

namespace wardsync::client {

static cli::ArgSpec Common(cli::ArgSpec spec) {
  spec.options.insert("data");
  spec.flags.insert("json");
  spec.flags.insert("help");
  return spec;
}

const std::vector<ClientCommand>& ClientCommands() {
  static const std::vector<ClientCommand> table = {
      {"forms", "forms --data DIR [--json]", "Lists the forms this device holds, with their fields.", Common({}),
       CmdForms},
      {"new", "new --data DIR --form FORM --set NAME=VALUE...",
       "Creates a record (offline) and prints its id. Values are checked against the form first; nothing is stored "
       "if one is refused.",
       Common({{"form", "set"}, {}}), CmdNew},
      {"edit", "edit --data DIR RECORD --set NAME=VALUE...",
       "Changes fields of a record (offline). NAME= with no value clears an optional field.",
       Common({{"set"}, {}}), CmdEdit},
      {"delete", "delete --data DIR RECORD", "Deletes a record (offline; the server keeps its history).",
       Common({}), CmdDelete},
      {"show", "show --data DIR RECORD [--json]",
       "Shows a record as this device sees it, with every field in conflict and its competing values.", Common({}),
       CmdShow},
      {"list", "list --data DIR [--form FORM] [--conflicts] [--deleted] [--json]",
       "Lists the records this device sees (--conflicts: only those with an open conflict).",
       Common({{"form"}, {"conflicts", "deleted"}}), CmdList},
      {"sync", "sync --data DIR [--json] [--quiet]",
       "Pushes every pending change-set and pulls what the server has for this device, now. Exit 0 only when "
       "everything pending is acknowledged.",
       Common({{"timeout-s"}, {"quiet"}}), CmdSync},
      {"status", "status --data DIR [--json]",
       "Shows pending change-sets, the oldest one's age, the last successful sync and the last error.", Common({}),
       CmdStatus},
      {"conflicts", "conflicts --data DIR [--form FORM] [--ward W] [--json]",
       "Lists the open conflicts this device sees (as of its last sync), with every competing value numbered for "
       "`resolve --pick N`.",
       Common({{"form", "ward"}, {}}), CmdConflicts},
      {"resolve", "resolve --data DIR CONFLICT (--pick N | --value V) --reason TEXT [--json]",
       "Reviewer devices: closes an open conflict with candidate N or the value V (for a delete-against-edit "
       "conflict: keep or delete). Works offline; the signed resolution is sent at the next sync.",
       Common({{"pick", "value", "reason"}, {}}), CmdResolve},
      {"rotate-key", "rotate-key --data DIR [--no-sync] [--json]",
       "Replaces this device's key: writes a new key (DIR/device.N.key, mode 0600), queues a key rotation signed "
       "by the old key (and proven by the new one) ahead of anything made later, then syncs at once so the server "
       "records it (exit 1 if it could not: the rotation stays queued for the next sync or the agent). "
       "--no-sync only queues it (the agent, if running, sends it soon). The old key file is deleted once the "
       "server has acknowledged the rotation.",
       Common({{}, {"no-sync"}}), CmdRotateKey},
      {"ui", "ui --data DIR [--json]",
       "Prints the URL of the officer app (the web interface) of the agent running on DIR with --ui. The URL "
       "holds a secret: whoever opens it can use this device's data.",
       Common({}), CmdUi},
  };
  return table;
}

const ClientCommand* FindClientCommand(const std::string& name) {
  for (const auto& c : ClientCommands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

int RunClientCommand(ClientEnv& env, const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const ClientCommand* cmd = args.empty() ? nullptr : FindClientCommand(args[0]);
  if (!cmd) {
    err << "error: unknown command \"" << (args.empty() ? "" : args[0]) << "\" (see wardsync --help)\n";
    return 2;
  }
  auto parsed = cli::Args::Parse(std::vector<std::string>(args.begin() + 1, args.end()), cmd->spec);
  if (!parsed.ok()) {
    err << "error: " << parsed.status().message() << "\nusage: wardsync " << cmd->usage << "\n";
    return 2;
  }
  if (parsed->Flag("help")) {
    out << "usage: wardsync " << cmd->usage << "\n\n" << cmd->help << "\n";
    return 0;
  }
  return cmd->run(env, *parsed, out, err);
}

Result<std::pair<std::string, std::string>> SplitAssignment(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::Invalid("--set expects NAME=VALUE, got \"" + text + "\"");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

}  // namespace wardsync::client

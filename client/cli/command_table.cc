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
      {"new", "new --data DIR --form FORM (--set NAME=VALUE... | --from-json FILE) [--attach FIELD=FILE...]",
       "Creates a record (offline) and prints its id. Values are checked against the form first; nothing is stored "
       "if one is refused. --from-json: an object of field values (- = standard input), a repeat group as an array "
       "of row objects; a row of a group is also NAME[ROW].FIELD=VALUE with --set. --attach: a JPEG, PNG or PDF for "
       "an attachment field, copied into DIR; its bytes are sent after the record, at the next sync.",
       Common({{"form", "set", "from-json", "attach"}, {}}), CmdNew, 0, {"attach="}},
      {"edit", "edit --data DIR RECORD (--set NAME=VALUE... | --from-json FILE) [--attach FIELD=FILE...]",
       "Changes fields of a record (offline). NAME= with no value clears an optional field. --from-json writes "
       "what differs from the record; a group given there replaces the record's rows (\"_row\" names a row). "
       "--attach as for new.",
       Common({{"set", "from-json", "attach"}, {}}), CmdEdit, 1, {"attach="}},
      {"delete", "delete --data DIR RECORD", "Deletes a record (offline; the server keeps its history).",
       Common({}), CmdDelete, 1},
      {"show", "show --data DIR RECORD [--json]",
       "Shows a record as this device sees it, with every field in conflict and its competing values, and any "
       "change of it the server rejected, with the reason.",
       Common({}), CmdShow, 1},
      {"list", "list --data DIR [--form FORM] [--conflicts] [--rejected] [--deleted] [--json]",
       "Lists the records this device sees (--conflicts: only those with an open conflict; --rejected: only those "
       "with a change the server kept but could not apply, with its reason).",
       Common({{"form"}, {"conflicts", "rejected", "deleted"}}), CmdList},
      {"sync", "sync --data DIR [--json] [--quiet]",
       "Pushes every pending change-set and pulls what the server has for this device, now. Exit 0 only when "
       "everything pending is acknowledged.",
       Common({{"timeout-s"}, {"quiet"}}), CmdSync},
      {"status", "status --data DIR [--json]",
       "Shows pending change-sets, the oldest one's age, the last successful sync and the last error, this "
       "device's clock against the server's (as the last sync measured it) and the changes of this device the "
       "server rejected, with their reasons.", Common({}),
       CmdStatus},
      {"conflicts", "conflicts --data DIR [--form FORM] [--ward W] [--json]",
       "Lists the open conflicts this device sees (as of its last sync), as `wardsync-server conflicts` does: "
       "competing values numbered for `resolve --pick N`, broken rules, and rejected changes with their reason.",
       Common({{"form", "ward"}, {}}), CmdConflicts},
      {"resolve", "resolve --data DIR CONFLICT (--pick N | --value V | --set F=V... | --dismiss) --reason TEXT [--json]",
       "Reviewer devices: closes an open conflict. Competing values: candidate N or the value V (for a "
       "delete-against-edit conflict: keep or delete). Broken rule: --set one or more of the rule's fields so it "
       "holds. Rejected change: --dismiss it, or --set values. Works offline; the signed resolution is sent at the "
       "next sync.",
       Common({{"pick", "value", "reason", "set"}, {"dismiss"}}), CmdResolve, 1},
      {"rotate-key", "rotate-key --data DIR [--no-sync] [--json]",
       "Replaces this device's key: writes a new key (DIR/device.N.key, mode 0600), queues a key rotation signed "
       "by the old key (and proven by the new one) ahead of anything made later, then syncs at once so the server "
       "records it (exit 1 if it could not: the rotation stays queued for the next sync or the agent). "
       "--no-sync only queues it (the agent, if running, sends it soon). The old key file is deleted once the "
       "server has acknowledged the rotation.",
       Common({{}, {"no-sync"}}), CmdRotateKey},
      {"handover", "handover --data DIR --out FILE [--json]",
       "Writes every change-set the server has not acknowledged into FILE (mode 0600, written atomically), signed "
       "by this device, for `wardsync-server import`: how a revoked device, or a ward with no link at all, hands "
       "in its work (e.g. on a USB stick). Nothing is removed here: a later sync or import of the same change-sets "
       "changes nothing. Works offline and while the agent runs.",
       Common({{"out"}, {}}), CmdHandover, 0, {"out"}},
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
  if (parsed->positional().size() > cmd->max_positional) {
    const std::string& extra = parsed->positional()[cmd->max_positional];
    err << "error: unexpected argument \"" << extra << "\"";
    if (extra.find('=') != std::string::npos) err << " (a field value goes after --set: --set " << extra << ")";
    err << "; nothing was changed\nusage: wardsync " << cmd->usage << "\n";
    return 2;
  }
  return cmd->run(env, *parsed, out, err);
}

Result<std::pair<std::string, std::string>> SplitAssignment(const std::string& text) {
  return cli::SplitAssignment(text);
}

}  // namespace wardsync::client

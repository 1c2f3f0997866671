#include "server/admin/command.h"

namespace wardsync::server {

cli::ArgSpec WithCommon(cli::ArgSpec spec) {
  spec.options.insert("data");
  spec.flags.insert("json");
  spec.flags.insert("help");
  return spec;
}

const std::vector<AdminCommand>& AdminCommands() {
  static const std::vector<AdminCommand> table = {
      {"enroll", "enroll --data DIR --ward WARD --role officer|reviewer|admin [--ttl-hours H] [--server HOST:PORT]",
       "Prints a one-time enrollment code (one line) for one device of WARD. The code carries the committee CA "
       "fingerprint the device pins, and the server address if given (or the one `run` listens on).",
       WithCommon({{"ward", "role", "ttl-hours", "server"}, {}}), true, CmdEnroll},
      {"forms publish", "forms publish --data DIR FILE|DIR...",
       "Publishes form definitions (JSON) and, from a directory, its wards.json. A published (form, version) never "
       "changes; a changed definition needs a new version.",
       WithCommon({}), true, CmdFormsPublish},
      {"forms list", "forms list --data DIR [--json]", "Lists the published forms and versions.", WithCommon({}), false,
       CmdFormsList},
      {"wards", "wards --data DIR [--json]", "Lists the published wards.", WithCommon({}), false, CmdWards},
      {"records", "records --data DIR [--ward W] [--form F] [--json]",
       "Lists records as the server holds them, with their fields and open conflicts.",
       WithCommon({{"ward", "form"}, {"deleted"}}), false, CmdRecords},
      {"devices", "devices --data DIR [--json]",
       "Lists enrolled devices: ward, role, last change-set, last contact, queue depth and clock skew they reported.",
       WithCommon({}), false, CmdDevices},
  };
  return table;
}

const AdminCommand* FindAdminCommand(const std::vector<std::string>& args, size_t* consumed) {
  for (const auto& c : AdminCommands()) {
    size_t space = c.name.find(' ');
    if (space == std::string::npos) {
      if (!args.empty() && args[0] == c.name) {
        *consumed = 1;
        return &c;
      }
    } else if (args.size() >= 2 && args[0] == c.name.substr(0, space) && args[1] == c.name.substr(space + 1)) {
      *consumed = 2;
      return &c;
    }
  }
  return nullptr;
}

}  // namespace wardsync::server

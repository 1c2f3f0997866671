// The administrative commands of wardsync-server that work on a data
// directory, whether or not `run` is serving it. Each is a plain function of
// (env, args, out, err) -> exit code; the same function runs in this process
// or, forwarded over the control socket, inside the running server.
#pragma once
#include <functional>
#include <optional>
#include <istream>
#include <set>
#include <ostream>
#include <string>
#include <vector>

#include "common/cli/args.h"
#include "proto/forms.pb.h"
#include "server/admin/admin_env.h"

namespace wardsync::server {

struct AdminCommand {
  std::string name;      // may be two words: "forms publish"
  std::string usage;     // one line
  std::string help;      // what it does
  cli::ArgSpec spec;
  bool writes = false;   // needs exclusive write access
  std::function<int(AdminEnv&, const cli::Args&, std::ostream& out, std::ostream& err)> run;
  // File arguments made absolute before the command is forwarded to a
  // running server (which has another working directory).
  std::set<std::string> path_options = {};
  bool path_positionals = false;
};

const std::vector<AdminCommand>& AdminCommands();
const AdminCommand* FindAdminCommand(const std::vector<std::string>& args, size_t* consumed);

// Shared by the command implementations.
cli::ArgSpec WithCommon(cli::ArgSpec spec);  // adds --data, --json, --help
// The one positional RECORD (32 hex digits) as raw bytes; false (the error
// written to err) otherwise.
bool RecordArgument(const cli::Args& args, std::ostream& err, std::string* raw);

// Implementations (one file per concern).
int CmdEnroll(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdFormsPublish(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdFormsList(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdChoicesPublish(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdChoicesList(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
// Publishes forms, wards and choice lists (publish.h) and prints what changed
// (--json: published, unchanged, lists_published, lists_unchanged,
// wards_changed, epoch): `forms publish` and `choices publish`.
int RunPublish(AdminEnv& env, const cli::Args& args, const std::vector<wardsync::forms::FormDef>& forms,
               const std::optional<wardsync::forms::WardList>& wards,
               const std::vector<wardsync::forms::ChoiceListDef>& lists, std::ostream& out, std::ostream& err);
int CmdWards(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdRecords(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdDevices(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
// Review, audit, reports and exports (issue 3).
int CmdConflicts(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdResolve(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdCorrect(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdHistory(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdVerify(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdReport(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdExport(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
// Security (issue 5).
int CmdRevoke(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
// Hand-over (issue 9).
int CmdImport(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
// Dashboard accounts (issue 12).
int CmdUsersAdd(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdUsersList(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdUsersDisable(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdUsersEnable(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdUsersPasswd(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
// `users add|passwd --password-stdin`: reads one line from `in`, hashes it
// and appends `--password-scrypt HASH` to args (run by the CLI process, so
// a running server never sees the password). Other commands: unchanged.
Status HashStdinPassword(std::vector<std::string>* args, std::istream& in);
// Denial of service (issue 10).
int CmdQuarantine(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
// Review of submissions and enrollment codes (issue 12).
int CmdReview(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdCodesList(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
int CmdCodesCancel(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
// Attachments (issue 13; server/attach).
int CmdAttachment(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);
// Backup (issue 14; `restore` makes a new directory, so it is not an admin command).
int CmdBackup(AdminEnv&, const cli::Args&, std::ostream&, std::ostream&);

}  // namespace wardsync::server

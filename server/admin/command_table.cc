#include "server/admin/command.h"

#include "common/changes/changeset.h"

namespace wardsync::server {

cli::ArgSpec WithCommon(cli::ArgSpec spec) {
  spec.options.insert("data");
  spec.flags.insert("json");
  spec.flags.insert("help");
  return spec;
}

bool RecordArgument(const cli::Args& args, std::ostream& err, std::string* raw) {
  if (args.positional().size() != 1) {
    err << "error: name exactly one RECORD (32 hex digits, as `wardsync-server records` lists it)\n";
    return false;
  }
  if (!changes_util::ParseRecordId(args.positional()[0], raw)) {
    err << "error: \"" << args.positional()[0] << "\" is not a record id (32 hex digits)\n";
    return false;
  }
  return true;
}

const std::vector<AdminCommand>& AdminCommands() {
  static const std::vector<AdminCommand> table = {
      {"enroll", "enroll --data DIR --ward WARD --role officer|reviewer|admin [--ttl-hours H] [--server HOST:PORT]...",
       "Prints a one-time enrollment code (one line) for one device of WARD. The code carries the committee CA "
       "fingerprint the device pins, and the server addresses if given (or the one `run` listens on); several "
       "--server (the `run` processes of one store, issue 14) are tried by the device in turn.",
       WithCommon({{"ward", "role", "ttl-hours", "server"}, {}}), true, CmdEnroll},
      {"codes list", "codes list --data DIR [--ward W] [--all] [--json]",
       "Lists the enrollment codes not used yet (with --all also used, expired and cancelled ones): id, ward, role, "
       "made, expires. The code itself is not kept (only its hash), so it cannot be shown again; the id is the "
       "start of that hash.",
       WithCommon({{"ward"}, {"all"}}), false, CmdCodesList},
      {"codes cancel", "codes cancel --data DIR ID [--json]",
       "Cancels an unused enrollment code (ID as `codes list` shows it, or its first 8+ characters): a device "
       "that tries it afterwards is refused. Who cancelled it (the local user, or the dashboard account) is kept.",
       WithCommon({}), true, CmdCodesCancel},
      {"forms publish", "forms publish --data DIR FILE|DIR...",
       "Publishes form definitions (JSON) and, from a directory, its wards.json and the choice lists of its "
       "choices/ subdirectory, in one step. A published (form, version) never changes; a changed definition needs "
       "a new version. Then brings the unique-key index in line with the records (entries records lack, e.g. "
       "stored before the index existed, are written; stale ones removed), also when nothing new is published.",
       WithCommon({}), true, CmdFormsPublish, {}, true},
      {"forms list", "forms list --data DIR [--json]", "Lists the published forms and versions.", WithCommon({}), false,
       CmdFormsList},
      {"choices publish", "choices publish --data DIR FILE.json|DIR...",
       "Publishes choice lists (JSON: id, version, title, entries of value, label, optional ward and group) that "
       "choice fields name by choiceList. A published (list, version) never changes; a new version replaces what "
       "officers are offered and every older value stays valid. Devices get them at their next sync.",
       WithCommon({}), true, CmdChoicesPublish, {}, true},
      {"choices list", "choices list --data DIR [--id LIST] [--json]",
       "Lists the published choice lists (newest version of each); with --id, that list's entries.",
       WithCommon({{"id"}, {}}), false, CmdChoicesList},
      {"wards", "wards --data DIR [--json]", "Lists the published wards.", WithCommon({}), false, CmdWards},
      {"records", "records --data DIR [--ward W] [--form F] [--json]",
       "Lists records as the server holds them, with their fields and open conflicts.",
       WithCommon({{"ward", "form"}, {"deleted"}}), false, CmdRecords},
      {"devices", "devices --data DIR [--json]",
       "Lists enrolled devices: ward, role, last change-set, last contact, change-sets still pending on the device, "
       "its clock skew at the last sync in seconds (CLOCK-OFF beyond --max-clock-skew-s) and the last stamp the "
       "server clamped, key epoch and when the device last rotated its key.",
       WithCommon({}), false, CmdDevices},
      {"conflicts", "conflicts --data DIR [--ward W] [--json]",
       "Lists the open conflicts (the review queue), of three kinds: competing values (field, base value and every "
       "value, numbered for `resolve --pick N`, with device, officer, time made and time received), a broken rule "
       "(the rule and its fields' values) and a rejected change (why, and the change as sent).",
       WithCommon({{"ward"}, {}}), false, CmdConflicts},
      {"resolve",
       "resolve --data DIR CONFLICT (--pick N | --value V | --set F=V... | --dismiss | --delete) --reason TEXT "
       "[--officer NAME] "
       "[--json]",
       "Closes an open conflict. Competing values: candidate N or the value V (checked against the form; for a "
       "delete-against-edit conflict: keep or delete). Broken rule: --set one or more of the rule's fields; the "
       "record must then satisfy the rule. Rejected change: --dismiss it, or --set values. Duplicate (same unique "
       "key as another record): --dismiss keeps both as distinct reports, --delete deletes this record. The resolution is a "
       "change-set signed with the server key, kept in the log, and pulled by every device that can see the record.",
       WithCommon({{"pick", "value", "reason", "officer", "set"}, {"dismiss", "delete"}}), true, CmdResolve},
      {"correct", "correct --data DIR RECORD --set F=V [--set F=V...] --reason TEXT [--officer NAME] [--json]",
       "Corrects values of a record on the server: an edit signed with the server key, with its reason, kept in "
       "the log and the record's history, pulled by every device that can see the record. The values are checked "
       "against the record's form and the corrected record must satisfy every rule; otherwise nothing changes. It "
       "closes the record's rejected changes, and a broken-rule conflict whose rule it makes hold.",
       WithCommon({{"set", "reason", "officer"}, {}}), true, CmdCorrect},
      {"review",
       "review --data DIR RECORD --state approved|needs-correction|received [--comment TEXT] [--officer NAME] "
       "[--json]",
       "A reviewer's verdict on a record, with a comment (required with needs-correction: the ward sees it). A "
       "change-set signed with the server key, kept in the log and the record's history, pulled by the ward's "
       "devices (`wardsync show` / `list` show it). An edit of the record afterwards returns it to received.",
       WithCommon({{"state", "comment", "officer"}, {}}), true, CmdReview},
      {"history", "history --data DIR RECORD [--json]",
       "Every change of a record in log order: device, officer, ward, time made, time received, each field before "
       "and after, the conflicts it opened, joined or resolved, and, for a change that came by `import`, who "
       "imported which file and when.",
       WithCommon({}), false, CmdHistory},
      {"verify", "verify --data DIR [--no-replay] [--json]",
       "Re-checks every stored signature and device hash chain, that the log is gap-free and points at stored "
       "changes, (unless --no-replay) that replaying the log rebuilds every record, and that the unique-key index "
       "holds exactly the live records with a unique key (`forms publish` repairs it). Exits 1 naming the first "
       "break.",
       WithCommon({{}, {"no-replay"}}), false, CmdVerify},
      {"report", "report --data DIR [--form F] [--ward W] [--today YYYY-MM-DD] [--complaint-days N] [--json]",
       "Per ward and for the city: records per form, open conflicts, devices and their last contact, the records "
       "under review (named, never summed); voter meetings and the share agreeing per candidate; turnout per "
       "checkpoint with the polling areas not yet reported; readiness of polling areas with those not ready; "
       "incidents by severity with the open ones; open complaints, their age and due date (their own `due_date`, "
       "typed or computed, else received + --complaint-days, default 5) on --today (default: the server's local date). --form and "
       "--ward narrow the report to one form or one ward.",
       WithCommon({{"form", "ward", "today", "complaint-days"}, {}}), false, CmdReport},
      {"export", "export --data DIR --form F [--format csv|json] [--out FILE] [--ward W] [--deleted] [--bom]",
       "Writes every record of form F, one row per record (id, ward, version, last_change, conflict, then the "
       "fields of the form's latest version), as RFC 4180 CSV (default) or a JSON array, streamed. --out writes "
       "FILE atomically (a relative FILE is taken from the directory you run the command in, also when a running "
       "server does the writing).",
       WithCommon({{"form", "format", "out", "ward"}, {"deleted", "bom"}}), false, CmdExport, {"out"}},
      {"revoke", "revoke --data DIR DEVICE --reason TEXT [--drain [--drain-hours N]] [--json]",
       "Revokes a device (lost, stolen, retired): it is refused at its next connection, its open connections are "
       "closed, and anything it sends from now on is refused. Change-sets it signed before stay valid. --drain "
       "(a retired device in honest hands): it may still connect and push the change-sets it holds at its first "
       "connection after the revocation, and nothing made later; then, or after N hours (default 72), it is "
       "plainly revoked. What it could not push can still come by `wardsync handover` + `import --accept-revoked`.",
       WithCommon({{"reason", "drain-hours"}, {"drain"}}), true, CmdRevoke},
      {"attachment", "attachment --data DIR HASH --out FILE [--json]",
       "Writes the bytes of one attachment (a photo or PDF a record names by its SHA-256, as `records` and "
       "`export` show) to FILE, after checking they still hash to HASH. Exit 1 if the server does not hold them "
       "(yet): a record is stored before its attachment's bytes arrive.",
       WithCommon({{"out"}, {}}), false, CmdAttachment, {"out"}},
      {"import", "import --data DIR [--accept-revoked] [--json] FILE",
       "Applies a hand-over bundle written by `wardsync handover` (a device with no link, or a revoked one) with "
       "exactly the checks of a sync: bundle signature, device chain, signatures, scope, content. Idempotent: "
       "change-sets the server holds are not applied again (importing twice changes nothing and says so). A revoked "
       "device's bundle is refused unless --accept-revoked. `history` shows who imported which file.",
       WithCommon({{}, {"accept-revoked"}}), true, CmdImport, {}, true},
      {"users add", "users add --data DIR --name NAME --role viewer|reviewer|admin [--ward W]... --password-stdin",
       "Adds a dashboard account. The password is read from standard input (one line, at least 8 characters) and "
       "kept only as a scrypt hash. A viewer reads; a reviewer also resolves conflicts; an admin also enrolls and "
       "revokes devices. With --ward the account sees only those wards.",
       WithCommon({{"name", "role", "ward", "password-scrypt"}, {"password-stdin"}}), true, CmdUsersAdd},
      {"users list", "users list --data DIR [--json]", "Lists the dashboard accounts: role, wards, disabled.",
       WithCommon({}), false, CmdUsersList},
      {"users disable", "users disable --data DIR NAME",
       "Disables a dashboard account: it cannot log in, and its open sessions end at their next request.",
       WithCommon({}), true, CmdUsersDisable},
      {"users enable", "users enable --data DIR NAME", "Enables a disabled dashboard account again.", WithCommon({}),
       true, CmdUsersEnable},
      {"users passwd", "users passwd --data DIR NAME --password-stdin",
       "Sets a new password (one line on standard input); the account's open sessions end.",
       WithCommon({{"password-scrypt"}, {"password-stdin"}}), true, CmdUsersPasswd},
      {"quarantine", "quarantine --data DIR (RECORD --reason TEXT [--release] | --list) [--json]",
       "Holds a record back from every pull (one too large to send, or one a hostile device filled): no device is "
       "sent it and every change to it is rejected, without touching it, until --release. `records` and `history` "
       "mark it; --list shows every held record with who held it, when and why. Nothing is deleted.",
       WithCommon({{"reason"}, {"release", "list"}}), true, CmdQuarantine},
      {"backup", "backup --data DIR --out FILE [--json]",
       "Writes a backup of the data directory to FILE while the server serves (or not): a consistent snapshot of "
       "the store, the server's keys and certificates, the committee CA and any attachments, compressed (zstd), "
       "with a manifest and a SHA-256 of the whole file. FILE appears complete or not at all (FILE.tmp, synced, "
       "renamed); it holds the server's private key, so it is written 0600: keep it as safe as DIR. "
       "`wardsync-server restore` makes a data directory from it.",
       WithCommon({{"out"}, {}}), false, CmdBackup, {"out"}},
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

// `verify`: re-checks signatures, hash chains, the log and (unless
// --no-replay) that replaying the log rebuilds every record; see
// server/audit/verifier.h. Exit 0 only when nothing is broken; otherwise
// the first break is named on stderr and the exit code is 1.
#include "common/util/json_writer.h"
#include "common/reconcile/form_rules.h"
#include "server/admin/command.h"
#include "server/audit/verifier.h"

namespace wardsync::server {

int CmdVerify(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (!args.positional().empty()) {
    err << "error: unexpected argument \"" << args.positional()[0] << "\"\n";
    return 2;
  }
  audit::VerifyOptions options;
  options.replay = !args.Flag("no-replay");
  auto forms = env.ctx().forms.Get();
  options.rules = reconcile::FormRules(forms->registry);
  options.unique_key = audit::KeyOfPublished(forms->registry);
  // A read view: a server serving meanwhile changes nothing this sees.
  auto view = env.ctx().store.NewReadView();
  auto report = audit::VerifyStore(*view, options);
  if (!report.ok()) {
    err << "error: cannot read the store: " << report.status().message() << "\n";
    return 1;
  }
  const auto& r = *report;
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("ok").Bool(r.ok);
    if (!r.ok) w.Key("phase").String(r.phase).Key("first_break").String(r.first_break);
    w.Key("log_head").Uint(r.log_head).Key("devices").Uint(r.devices).Key("change_sets").Uint(r.change_sets);
    w.Key("signatures").Uint(r.signatures).Key("changes").Uint(r.changes).Key("log_entries").Uint(r.log_entries);
    w.Key("replayed").Bool(options.replay).Key("records").Uint(r.records);
    w.Key("records_skipped").Uint(r.records_skipped).Key("open_conflicts").Uint(r.open_conflicts);
    w.Key("unique_keys").Uint(r.unique_keys);
    w.EndObject();
    out << w.str() << "\n";
  } else {
    const bool chains_done = r.ok || r.phase != "chains";
    const bool log_done = r.ok || (r.phase != "chains" && r.phase != "log");
    out << "chains:  " << r.devices << " devices, " << r.change_sets << " change-sets, " << r.signatures
        << " signatures verified" << (chains_done ? "; every hash chain links and ends at its device's head" : "")
        << "\n";
    if (chains_done) {
      out << "log:     " << r.log_entries << " entries, 1.." << r.log_head;
      if (log_done) out << " without a gap; each points at its stored change and is indexed for its ward and record";
      out << "\n";
    }
    if (log_done && options.replay) {
      out << "records: " << r.records << " records rebuilt identically by replaying the log";
      if (r.records_skipped) out << " (" << r.records_skipped << " changed while verifying, not compared)";
      if (r.ok) out << "; the review queue lists exactly the " << r.open_conflicts << " open conflicts";
      out << "\n";
    }
    if (r.ok) {
      out << "keys:    " << r.unique_keys
          << " records indexed under their unique key; every index entry points at a live record with that key\n";
      out << "verify: OK\n";
    }
  }
  if (!r.ok) {
    err << "verify: BROKEN (" << r.phase << "): " << r.first_break << "\n";
    return 1;
  }
  return 0;
}

}  // namespace wardsync::server

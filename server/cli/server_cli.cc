#include "server/cli/server_cli.h"

#include "common/util/terminal_stream.h"
#include <iostream>

#include "common/cli/args.h"
#include "common/control/control_channel.h"
#include "common/net/framed_stream.h"
#include "common/store/dir_lock.h"
#include "common/util/log.h"
#include "common/wire/protocol_limits.h"
#include "server/admin/command.h"
#include "server/admin/dispatch.h"
#include "server/ca/ca_cli.h"
#include "common/util/json_writer.h"
#include "server/backup/restore.h"
#include "server/cli/init_command.h"
#include "server/ingest/clock_bound.h"
#include "server/dashboard/start_dashboard.h"
#include "server/runtime/server_runtime.h"
#include "server/store/server_store.h"

namespace wardsync::server {
namespace {

constexpr const char* kInitUsage =
    "init --data DIR [--host NAME]... [--forms DIR] [--committee NAME | --ca-cert FILE] [--store URL]";
constexpr const char* kRestoreUsage = "restore --from FILE --data NEWDIR [--json]";
constexpr const char* kRestoreHelp =
    "Makes a new data directory from a backup written by `wardsync-server backup`: the store as it was at the "
    "backup, the server's keys and certificates, the committee CA and any attachments, ready for `run`. The "
    "whole file is checked (its SHA-256) before anything is created: a truncated or damaged file is refused and "
    "NEWDIR is not made. NEWDIR must be new or empty (never a link); it is built beside it and renamed into place. "
    "Then run `wardsync-server verify --data NEWDIR`.";
constexpr const char* kRunUsage =
    "run --data DIR --listen HOST:PORT [--threads N] [--max-frame-bytes N] [--max-push N] [--max-pull N]\n"
    "      [--handshake-timeout-ms N] [--idle-timeout-ms N] [--read-timeout-ms N] [--write-timeout-ms N] [--max-connections N] [--max-device-connections N]\n"
    "      [--max-clock-skew-s N] [--enroll-ttl-hours H]\n"
    "      [--metrics-allow CIDR]... [--log-format text|json]\n"
    "      [--dashboard HOST:PORT [--dashboard-cert FILE --dashboard-key FILE] [--dashboard-plain-http] [--dashboard-name NAME]...\n"
    "                         [--dashboard-idle-s N]]\n"
    "      [--max-officer-bytes N] [--max-text-bytes N] [--max-fields N] [--max-candidates N] [--max-record-bytes N]\n"
    "      [--max-label-bytes N] [--max-report-bytes N] [--max-changeset-bytes N] [--max-changesets-per-day N]\n"
    "      [--max-bytes-per-day N] [--memory-budget-mb N] [--shared-pages-mb N] [--budget-wait-ms N] [--record-cache-mb N] [--max-address-connections N] [--reserved-device-connections N] [--malloc-arenas N]";

void Usage(std::ostream& out) {
  out << "wardsync-server - the central server of wardsync\n\nusage: wardsync-server COMMAND --data DIR [options]\n\n"
      << "commands:\n  " << kInitUsage << "\n      Create the committee CA, server key and certificate, the store; "
      << "publish the forms in DIR.\n      With --ca-cert (the committee CA kept offline, made by `ca init`): no CA key "
      << "here;\n      a certificate request DIR/server.csr for `ca sign-server`, then `cert install`.\n"
      << "      With --store postgresql://USER@HOST:PORT/DB: the store in that (empty) PostgreSQL database,\n"
      << "      recorded in DIR/store-url; every command on DIR then uses it (README \"Choosing a store\").\n  "
      << kRunUsage
      << "\n      Serve devices until SIGINT or SIGTERM. On PostgreSQL (init --store), one run per database is\n"
      << "      active: another waits, logging once, and takes over when the active one stops or dies.\n  "
      << kRestoreUsage
      << "\n      Make a new data directory from a backup (see `backup`).\n";
  CaUsage(out);
  for (const auto& c : AdminCommands()) out << "  " << c.usage << "\n      " << c.help << "\n";
  out << "\nEvery command prints errors on stderr and exits non-zero; --json prints JSON on stdout.\n"
      << "While `run` serves a data directory, the other commands are forwarded to it.\n";
}

bool ParseU64(const cli::Args& a, const std::string& name, uint64_t* v, std::ostream& err) {
  auto s = a.Get(name);
  if (!s) return true;
  char* end = nullptr;
  unsigned long long x = std::strtoull(s->c_str(), &end, 10);
  if (s->empty() || *end || (*s)[0] == '-') {
    err << "error: --" << name << " must be a non-negative integer, got \"" << *s << "\"\n";
    return false;
  }
  *v = x;
  return true;
}

int Init(const std::vector<std::string>& rest, std::ostream& out, std::ostream& err) {
  auto a = cli::Args::Parse(rest, {{"data", "host", "forms", "committee", "ca-cert", "store"}, {"help", "json"}});
  if (!a.ok()) {
    err << "error: " << a.status().message() << "\nusage: wardsync-server " << kInitUsage << "\n";
    return 2;
  }
  if (a->Flag("help")) {
    out << "usage: wardsync-server " << kInitUsage << "\n";
    return 0;
  }
  auto data = a->Require("data");
  if (!data.ok()) {
    err << "error: " << data.status().message() << "\n";
    return 2;
  }
  InitOptions o;
  o.data_dir = *data;
  o.hosts = a->GetAll("host");
  o.forms_dir = a->Get("forms").value_or("");
  if (auto c = a->Get("committee")) o.committee = *c;
  o.ca_cert_file = a->Get("ca-cert").value_or("");
  o.store_url = a->Get("store").value_or("");
  if (!o.ca_cert_file.empty() && a->Get("committee")) {
    err << "error: --committee names a CA init makes; with --ca-cert the CA is made offline (ca init --committee)\n";
    return 2;
  }
  Status s = InitServer(o, out);
  if (!s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

int Restore(const std::vector<std::string>& rest, std::ostream& out, std::ostream& err) {
  auto a = cli::Args::Parse(rest, {{"from", "data"}, {"help", "json"}});
  if (!a.ok()) {
    err << "error: " << a.status().message() << "\nusage: wardsync-server " << kRestoreUsage << "\n";
    return 2;
  }
  if (a->Flag("help")) {
    out << "usage: wardsync-server " << kRestoreUsage << "\n\n" << kRestoreHelp << "\n";
    return 0;
  }
  if (!a->positional().empty()) {
    err << "error: unexpected argument \"" << a->positional()[0] << "\"\n";
    return 2;
  }
  auto from = a->Require("from");
  auto data = a->Require("data");
  if (!from.ok() || !data.ok()) {
    err << "error: " << (!from.ok() ? from.status() : data.status()).message() << "\n";
    return 2;
  }
  auto m = backup::RestoreBackup(*from, *data);
  if (!m.ok()) {
    err << "error: " << m.status().message() << "\n";
    return 1;
  }
  if (a->Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("data").String(*data).Key("log_head").Uint(m->log_head()).Key("records").Uint(m->records());
    w.Key("devices").Uint(m->devices()).Key("store_entries").Uint(m->store_entries());
    w.Key("files").Uint(static_cast<uint64_t>(m->files_size())).Key("created_ms").Uint(m->created_ms());
    w.EndObject();
    out << w.str() << "\n";
  } else {
    out << "restored " << *data << " from " << *from << ": log 1.." << m->log_head() << ", " << m->records()
        << " records, " << m->devices() << " devices, " << m->files_size() << " files\n"
        << "check it with: wardsync-server verify --data " << *data << "\n";
  }
  return 0;
}

int Run(const std::vector<std::string>& rest, std::ostream& out, std::ostream& err) {
  auto a = cli::Args::Parse(rest, {{"data", "listen", "threads", "max-frame-bytes", "max-push", "max-pull",
                                    "handshake-timeout-ms", "idle-timeout-ms", "read-timeout-ms", "write-timeout-ms", "max-connections",
                                    "max-device-connections", "max-clock-skew-s", "enroll-ttl-hours", "metrics-allow",
                                    "log-format", "dashboard", "dashboard-cert", "dashboard-key", "dashboard-name", "dashboard-idle-s",
                                    "max-officer-bytes", "max-text-bytes", "max-fields", "max-candidates",
                                    "max-record-bytes", "max-label-bytes", "max-report-bytes", "max-changeset-bytes",
                                    "max-changesets-per-day", "max-bytes-per-day", "memory-budget-mb", "shared-pages-mb", "budget-wait-ms", "record-cache-mb",
                                    "max-address-connections", "reserved-device-connections", "malloc-arenas"},
                                   {"help", "dashboard-plain-http"}});
  if (!a.ok()) {
    err << "error: " << a.status().message() << "\nusage: wardsync-server " << kRunUsage << "\n";
    return 2;
  }
  if (a->Flag("help")) {
    out << "usage: wardsync-server " << kRunUsage << "\n";
    return 0;
  }
  auto data = a->Require("data");
  auto listen = a->Require("listen");
  if (!data.ok() || !listen.ok()) {
    err << "error: " << (!data.ok() ? data.status() : listen.status()).message() << "\n";
    return 2;
  }
  // Port 0 is allowed here (not for a server address): the system picks a
  // free port, which the "listening on" line and DATA/listen report.
  const bool any_port = listen->size() > 2 && listen->compare(listen->size() - 2, 2, ":0") == 0;
  auto hp = net::ParseHostPort(any_port ? listen->substr(0, listen->size() - 1) + "1" : *listen);
  if (!hp.ok()) {
    err << "error: --listen: " << hp.status().message() << "\n";
    return 2;
  }
  RuntimeOptions o;
  o.data_dir = *data;
  o.host = hp->first;
  o.port = any_port ? 0 : hp->second;
  uint64_t v = 0;
  auto& l = o.limits;
  uint64_t dashboard_idle_ms = dashboard::DashboardOptions().idle_ms;
  // Every knob with the range it may take: 0 or an absurd value is refused
  // with the flag and its range, never silently used. The floors of the
  // negotiated limits are the protocol's minimums (common/wire/
  // protocol_limits.h): a client that never synced keeps to those.
  struct {
    const char* name;
    uint64_t min, max;
    std::function<void(uint64_t)> set;
  } knobs[] = {
      {"threads", 1, 256, [&](uint64_t x) { o.threads = static_cast<unsigned>(x); }},
      {"max-frame-bytes", wire::kMinFrameBytes, 64u << 20,
       [&](uint64_t x) { l.max_frame_bytes = static_cast<uint32_t>(x); }},
      {"max-push", wire::kMinChangeSetsPerPush, 100'000,
       [&](uint64_t x) { l.max_changesets_per_push = static_cast<uint32_t>(x); }},
      {"max-pull", wire::kMinPullRecords, 100'000, [&](uint64_t x) { l.max_pull_records = static_cast<uint32_t>(x); }},
      {"handshake-timeout-ms", 100, 600'000, [&](uint64_t x) { l.handshake_timeout = std::chrono::milliseconds(x); }},
      {"idle-timeout-ms", 1'000, 3'600'000, [&](uint64_t x) { l.idle_timeout = std::chrono::milliseconds(x); }},
      {"read-timeout-ms", 100, 600'000, [&](uint64_t x) { l.read_timeout = std::chrono::milliseconds(x); }},
      {"write-timeout-ms", 100, 600'000, [&](uint64_t x) { l.write_timeout = std::chrono::milliseconds(x); }},
      {"max-connections", 1, 1'000'000, [&](uint64_t x) { l.max_connections = static_cast<uint32_t>(x); }},
      {"max-device-connections", 1, 64,
       [&](uint64_t x) { l.max_connections_per_device = static_cast<uint32_t>(x); }},
      {"max-clock-skew-s", 1, 30 * 86'400, [&](uint64_t x) { l.max_clock_skew_ms = x * 1000; }},
      {"enroll-ttl-hours", 1, 24 * 365, [&](uint64_t x) { l.enroll_code_ttl_ms = x * 3600 * 1000; }},
      {"dashboard-idle-s", 1, 86'400, [&](uint64_t x) { dashboard_idle_ms = x * 1000; }},
      // Client-supplied sizes (PROTOCOL.md, Limits); floors: protocol minimums.
      {"max-officer-bytes", wire::kMinOfficerBytes, 64u << 10, [&](uint64_t x) { l.max_officer_bytes = static_cast<uint32_t>(x); }},
      {"max-text-bytes", wire::kMinTextBytes, 1u << 20, [&](uint64_t x) { l.max_text_bytes = static_cast<uint32_t>(x); }},
      {"max-fields", wire::kMinFieldsPerChange, 100'000, [&](uint64_t x) { l.max_fields_per_change = static_cast<uint32_t>(x); }},
      {"max-candidates", wire::kMinCandidatesPerField, 1'000, [&](uint64_t x) { l.max_candidates_per_field = static_cast<uint32_t>(x); }},
      {"max-record-bytes", wire::kMinRecordBytes, wire::kDefaultMaxFrameBytes - kRecordFrameOverhead,
       [&](uint64_t x) { l.max_record_bytes = static_cast<uint32_t>(x); }},
      {"max-label-bytes", wire::kMinLabelBytes, 4'096, [&](uint64_t x) { l.max_label_bytes = static_cast<uint32_t>(x); }},
      {"max-report-bytes", wire::kMinReportBytes, wire::kMaxFirstFrameBytes / 2,
       [&](uint64_t x) { l.max_report_bytes = static_cast<uint32_t>(x); }},
      {"max-changeset-bytes", wire::kMinChangeSetBytes, 32u << 20,
       [&](uint64_t x) { l.max_changeset_bytes = static_cast<uint32_t>(x); }},
      {"max-changesets-per-day", 0, 100'000'000, [&](uint64_t x) { l.max_changesets_per_day = static_cast<uint32_t>(x); }},
      {"max-bytes-per-day", 0, 1ull << 40, [&](uint64_t x) { l.max_bytes_per_day = x; }},
      {"memory-budget-mb", 16, 1u << 20, [&](uint64_t x) { l.memory_budget_bytes = x << 20; }},
      {"shared-pages-mb", 1, 4'096, [&](uint64_t x) { l.shared_pages_bytes = x << 20; }},
      {"budget-wait-ms", 0, 600'000, [&](uint64_t x) { l.budget_wait = std::chrono::milliseconds(x); }},
      {"record-cache-mb", 0, 4'096, [&](uint64_t x) { o.record_cache_bytes = static_cast<size_t>(x) << 20; }},
      {"max-address-connections", 1, 1'000'000, [&](uint64_t x) { l.max_connections_per_address = static_cast<uint32_t>(x); }},
      {"reserved-device-connections", 0, 1'000'000, [&](uint64_t x) { l.reserved_authenticated = static_cast<uint32_t>(x); }},
      // 0: glibc's default (8 arenas per core); see server/runtime/malloc_settings.h.
      {"malloc-arenas", 0, 64, [&](uint64_t x) { o.malloc.arenas = static_cast<unsigned>(x); }},
  };
  for (auto& k : knobs) {
    if (!a->Get(k.name)) continue;
    if (!ParseU64(*a, k.name, &v, err)) return 2;
    if (v < k.min || v > k.max) {
      err << "error: --" << k.name << " " << v << " is out of range: allowed " << k.min << ".." << k.max << "\n";
      return 2;
    }
    k.set(v);
  }
  // On the seconds as given (x * 1000 above could wrap): server/ingest/clock_bound.h.
  if (a->Get("max-clock-skew-s")) {
    (void)ParseU64(*a, "max-clock-skew-s", &v, err);  // parsed above already
    if (Status s = CheckMaxClockSkewS(v); !s.ok()) {
      err << "error: " << s.message() << "\n";
      return 2;
    }
  }
  // Who may read /metrics; the flag replaces the loopback default.
  if (auto cidrs = a->GetAll("metrics-allow"); !cidrs.empty()) {
    auto allow = CidrAllowList::Parse(cidrs);
    if (!allow.ok()) {
      err << "error: --metrics-allow: " << allow.status().message() << "\n";
      return 2;
    }
    o.metrics_allow = std::move(allow).value();
  }
  if (auto f = a->Get("log-format")) {
    util::LogFormat format;
    if (!util::ParseLogFormat(*f, &format)) {
      err << "error: --log-format must be text or json, got \"" << *f << "\"\n";
      return 2;
    }
    util::SetLogFormat(format);  // before any thread starts (log.h)
  }
  // The committee dashboard (issue 12), only when asked for; its options
  // are checked before anything starts.
  std::optional<dashboard::DashboardOptions> dopt;
  if (auto d = a->Get("dashboard")) {
    dopt.emplace();
    dopt->listen = *d;
    dopt->data_dir = o.data_dir;
    dopt->cert_file = a->Get("dashboard-cert").value_or("");
    dopt->key_file = a->Get("dashboard-key").value_or("");
    dopt->plain_http = a->Flag("dashboard-plain-http");
    dopt->names = a->GetAll("dashboard-name");
    dopt->idle_ms = dashboard_idle_ms;
    if (Status s = dashboard::CheckDashboardOptions(*dopt); !s.ok()) {
      err << "error: " << s.message() << "\n";
      return 2;
    }
  } else if (a->Get("dashboard-cert") || a->Get("dashboard-key") || a->Flag("dashboard-plain-http") ||
             a->Get("dashboard-name") || a->Get("dashboard-idle-s")) {
    err << "error: --dashboard-cert, --dashboard-key, --dashboard-plain-http, --dashboard-name and --dashboard-idle-s "
           "go with --dashboard HOST:PORT\n";
    return 2;
  }
  // Limits that bound each other: a record and a change-set must fit a
  // frame (with room for the push or batch around them). Defaults follow a
  // smaller frame; values given are checked.
  if (!a->Get("max-record-bytes"))
    l.max_record_bytes = std::min(l.max_record_bytes, l.max_frame_bytes - kRecordFrameOverhead);
  if (!a->Get("max-changeset-bytes")) l.max_changeset_bytes = std::min(l.max_changeset_bytes, l.max_frame_bytes / 2);
  if (Status s = CheckLimitsFit(l); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return 2;
  }
  BlockStopSignals();
  auto rt = ServerRuntime::Start(o);
  if (!rt.ok()) {
    err << "error: " << rt.status().message() << "\n";
    return 1;
  }
  util::LogEvent("wardsync-server listening on " + net::FormatHostPort(o.host, (*rt)->port()), {{"data", o.data_dir}});
  std::unique_ptr<dashboard::DashboardServer> dash;
  if (dopt) {
    std::string url;
    auto started = dashboard::StartDashboard(**rt, *dopt, &url);
    if (!started.ok()) {
      err << "error: " << started.status().message() << "\n";
      (*rt)->Stop();
      return 1;
    }
    dash = std::move(started).value();
    util::LogEvent("dashboard on " + url, {});
  }
  (*rt)->WaitForSignal();
  if (dash) dash->Stop();
  (*rt)->Stop();
  util::LogLine("wardsync-server stopped");
  return 0;
}

// Every other command: run here if the store is free, else forward it to the
// server process that holds it.
int Admin(std::vector<std::string> args, std::ostream& out, std::ostream& err) {
  if (Status s = HashStdinPassword(&args, std::cin); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return 2;
  }
  size_t consumed = 0;
  const AdminCommand* cmd = FindAdminCommand(args, &consumed);
  if (!cmd) {
    // A group of two-word commands ("users", "codes", "forms") without its
    // second word: list the group's commands instead of "unknown".
    std::string group;
    for (const auto& c : AdminCommands()) {
      if (c.name.rfind(args[0] + " ", 0) == 0) group += "  wardsync-server " + c.usage + "\n";
    }
    if (!group.empty()) {
      const bool help = args.size() > 1 && (args[1] == "--help" || args[1] == "-h");
      (help ? out : err) << (help ? "" : "error: \"" + args[0] + "\" needs one of its commands:\n") << group;
      return help ? 0 : 2;
    }
    err << "error: unknown command \"" << args[0] << "\" (see wardsync-server --help)\n";
    return 2;
  }
  std::vector<std::string> rest(args.begin() + static_cast<long>(consumed), args.end());
  auto a = cli::Args::Parse(rest, cmd->spec);
  if (!a.ok()) {
    err << "error: " << a.status().message() << "\nusage: wardsync-server " << cmd->usage << "\n";
    return 2;
  }
  if (a->Flag("help")) {
    out << "usage: wardsync-server " << cmd->usage << "\n\n" << cmd->help << "\n";
    return 0;
  }
  auto data = a->Require("data");
  if (!data.ok()) {
    err << "error: " << data.status().message() << "\n";
    return 2;
  }
  ServerPaths paths(*data);
  auto key = LoadServerKey(paths);
  if (!key.ok()) {
    err << "error: " << key.status().message() << "\n";
    return 1;
  }
  // Who owns the directory is its lock (common/store/dir_lock.h): held by a
  // running server, the command is forwarded to it; free, we hold it while
  // the command runs on the store opened here.
  auto lock = DirLock::TryAcquire(paths.dir);
  if (!lock.ok()) {
    err << "error: " << lock.status().message() << "\n";
    return 1;
  }
  if (!lock->has_value()) {
    // The server runs in another directory: file arguments must be absolute.
    std::vector<std::string> forwarded(args.begin(), args.begin() + static_cast<long>(consumed));
    for (auto& a : cli::AbsolutizePaths(rest, cmd->spec, cmd->path_options, cmd->path_positionals)) forwarded.push_back(a);
    auto r = control::CallControl(paths.control_socket(), forwarded);
    if (!r.ok()) {
      err << "error: the data directory is in use, but the server holding it does not answer: "
          << r.status().message() << "\n";
      return 1;
    }
    out << r->out();
    err << r->err();
    return r->exit_code();
  }
  auto store = OpenServerStore(**lock, ServerStoreOptions{});
  if (!store.ok()) {
    err << "error: " << store.status().message() << "\n";
    return 1;
  }
  SystemClock clock;
  ServerContext ctx{(*store)->store(), clock, *key, {}, {}};
  Status s = LoadForms(ctx);
  OfflineAdminEnv env(paths, ctx);
  if (s.ok()) s = env.Init();
  if (!s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  return RunAdminCommand(env, args, out, err);
}

}  // namespace

namespace {

int CliMain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    Usage(args.empty() ? err : out);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    out << "wardsync-server 0.1.0\n";
    return 0;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "init") return Init(rest, out, err);
  if (args[0] == "run") return Run(rest, out, err);
  if (args[0] == "ca") return CaCli(rest, out, err);
  if (args[0] == "cert") return CertCli(rest, out, err);
  if (args[0] == "restore") return Restore(rest, out, err);
  return Admin(args, out, err);
}

}  // namespace

// Officer text reaches the terminal only with its escape codes made visible
// (common/util/terminal_stream.h); JSON and exports stay exact.
int ServerCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  util::TerminalStream safe_err(err);
  if (!util::TextForPerson(args)) return CliMain(args, out, safe_err);
  util::TerminalStream safe_out(out);
  return CliMain(args, safe_out, safe_err);
}

}  // namespace wardsync::server

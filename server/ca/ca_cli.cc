#include "server/ca/ca_cli.h"

#include <cstdlib>
#include <functional>

#include "common/cli/args.h"
#include "common/crypto/pki.h"
#include "server/ca/offline_ca.h"
#include "server/ca/server_cert.h"

namespace wardsync::server {
namespace {

struct SubCommand {
  const char* name;
  const char* usage;
  const char* help;
  cli::ArgSpec spec;
  std::vector<const char*> required;  // checked before run: a usage error (exit 2)
  int default_days;                   // --days, when the spec has it
  std::function<Status(const cli::Args&, int days, std::ostream&)> run;
};

Status ParseDays(const cli::Args& a, int* days) {
  auto d = a.Get("days");
  if (!d) return Status::Ok();
  char* end = nullptr;
  const long v = std::strtol(d->c_str(), &end, 10);
  if (d->empty() || *end || v < 1 || v > crypto::kMaxCertificateDays) {
    return Status::Invalid("--days must be a whole number of days, 1.." + std::to_string(crypto::kMaxCertificateDays) +
                           ", got \"" + *d + "\"");
  }
  *days = static_cast<int>(v);
  return Status::Ok();
}

const std::vector<SubCommand>& CaCommands() {
  static const std::vector<SubCommand> commands = {
      {"init", "ca init --out CADIR [--committee NAME] [--days N]",
       "On the offline CA machine: create the committee CA in the new directory CADIR (ca.key, 0600; ca.pem).\n"
       "      Only ca.pem ever leaves the machine.",
       {{"out", "committee", "days"}, {"help"}},
       {"out"},
       kDefaultCaDays,
       [](const cli::Args& a, int days, std::ostream& out) {
         CaInitOptions o;
         o.dir = *a.Get("out");
         if (auto c = a.Get("committee")) o.committee = *c;
         o.days = days;
         return CreateOfflineCa(o, out);
       }},
      {"sign-server", "ca sign-server --ca CADIR --csr FILE --out CERT [--days N]",
       "On the offline CA machine: sign the server's certificate request (from `init --ca-cert` or\n"
       "      `cert request`) for the hosts it names; default validity 730 days.",
       {{"ca", "csr", "out", "days"}, {"help"}},
       {"ca", "csr", "out"},
       kDefaultServerCertDays,
       [](const cli::Args& a, int days, std::ostream& out) {
         SignServerOptions o;
         o.ca_dir = *a.Get("ca");
         o.csr_file = *a.Get("csr");
         o.out_file = *a.Get("out");
         o.days = days;
         return SignServerRequest(o, out);
       }},
  };
  return commands;
}

const std::vector<SubCommand>& CertCommands() {
  static const std::vector<SubCommand> commands = {
      {"request", "cert request --data DIR [--host NAME]... [--out FILE]",
       "Write a certificate request for the server key (default DIR/server.csr; hosts default to the\n"
       "      current certificate's) for the offline CA to sign: a renewal, or new names.",
       {{"data", "host", "out"}, {"help"}},
       {"data"},
       0,
       [](const cli::Args& a, int, std::ostream& out) {
         return RequestServerCertificate(ServerPaths(*a.Get("data")), a.GetAll("host"), a.Get("out").value_or(""),
                                         out);
       }},
      {"install", "cert install --data DIR --cert FILE",
       "Check the certificate the offline CA signed (this server's key, DIR/ca.pem, valid now) and make it\n"
       "      DIR/server.pem. A running server uses it from its next start.",
       {{"data", "cert"}, {"help"}},
       {"data", "cert"},
       0,
       [](const cli::Args& a, int, std::ostream& out) {
         return InstallServerCertificate(ServerPaths(*a.Get("data")), *a.Get("cert"), out);
       }},
  };
  return commands;
}

void ListUsage(const std::vector<SubCommand>& commands, std::ostream& out) {
  for (const auto& c : commands) out << "  " << c.usage << "\n      " << c.help << "\n";
}

int RunGroup(const char* group, const std::vector<SubCommand>& commands, const std::vector<std::string>& args,
             std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << "usage:\n";
    ListUsage(commands, args.empty() ? err : out);
    return args.empty() ? 2 : 0;
  }
  const SubCommand* cmd = nullptr;
  for (const auto& c : commands) cmd = (!cmd && args[0] == c.name) ? &c : cmd;
  if (!cmd) {
    err << "error: unknown command \"" << group << " " << args[0] << "\" (see wardsync-server " << group
        << " --help)\n";
    return 2;
  }
  auto a = cli::Args::Parse(std::vector<std::string>(args.begin() + 1, args.end()), cmd->spec);
  if (a.ok() && !a->positional().empty()) a = Status::Invalid("unexpected argument \"" + a->positional()[0] + "\"");
  if (!a.ok()) {
    err << "error: " << a.status().message() << "\nusage: wardsync-server " << cmd->usage << "\n";
    return 2;
  }
  if (a->Flag("help")) {
    out << "usage: wardsync-server " << cmd->usage << "\n\n      " << cmd->help << "\n";
    return 0;
  }
  int days = cmd->default_days;
  Status usage = ParseDays(*a, &days);
  for (const char* name : cmd->required) {
    if (usage.ok()) usage = a->Require(name).status();
  }
  if (!usage.ok()) {
    err << "error: " << usage.message() << "\nusage: wardsync-server " << cmd->usage << "\n";
    return 2;
  }
  Status s = cmd->run(*a, days, out);
  if (!s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int CaCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return RunGroup("ca", CaCommands(), args, out, err);
}

int CertCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  return RunGroup("cert", CertCommands(), args, out, err);
}

void CaUsage(std::ostream& out) {
  ListUsage(CaCommands(), out);
  ListUsage(CertCommands(), out);
}

}  // namespace wardsync::server

// `users add|list|disable|enable|passwd`: the dashboard's accounts
// (server/accounts/). Writes run on the committer thread like every other
// store mutation, so they work while `run` serves the directory.
//
// Passwords come on stdin (--password-stdin), never as arguments: the CLI
// process reads and hashes them (HashStdinPassword, called by
// server_cli before running or forwarding the command), so a running server
// receives only the scrypt hash over its control socket.
#include <algorithm>
#include <istream>

#include "common/render/record_render.h"
#include "common/util/json_writer.h"
#include "common/util/log.h"
#include "server/accounts/password_hash.h"
#include "server/accounts/user_store.h"
#include "server/admin/command.h"

namespace wardsync::server {
namespace {

using wardsync::store::DashboardUser;

// The hash HashStdinPassword left in the arguments, or an error saying how
// to give the password.
Result<std::string> PasswordHashArg(const cli::Args& args) {
  auto h = args.Get("password-scrypt");
  if (!args.Flag("password-stdin") || !h) {
    return Status::Invalid("give the password on standard input with --password-stdin "
                           "(e.g. `printf '%s\\n' \"$PW\" | wardsync-server users ...`)");
  }
  if (!accounts::WellFormedHash(*h)) return Status::Invalid("--password-scrypt is not a hash made by this program");
  return *h;
}

std::string OneName(const cli::Args& args, const char* what, std::ostream& err) {
  if (args.positional().size() != 1) {
    err << "error: users " << what << " takes exactly one NAME (see `users list`)\n";
    return "";
  }
  return args.positional()[0];
}

// Loads NAME, applies `change`, stores it; all on the committer thread.
int Update(AdminEnv& env, const std::string& name, const std::function<void(DashboardUser&)>& change,
           std::ostream& out, std::ostream& err, const std::string& done) {
  Status status = Status::Internal("not run");
  env.Exclusive([&](Ingestor& ing) {
    auto u = accounts::LoadUser(ing.ctx().store, name);
    if (!u.ok()) {
      status = u.status();
      return;
    }
    change(*u);
    u->set_updated_ms(ing.ctx().clock.NowMs());
    status = accounts::SaveUser(ing.ctx().store, *u);
  });
  if (!status.ok()) {
    err << "error: " << (status.not_found() ? "no user named \"" + name + "\" (see `users list`)" : status.message())
        << "\n";
    return 1;
  }
  util::LogLine("dashboard account " + name + ": " + done + " by " + env.Operator().name);
  out << "user " << name << ": " << done << "\n";
  return 0;
}

}  // namespace

Status HashStdinPassword(std::vector<std::string>* args, std::istream& in) {
  if (args->size() < 2 || (*args)[0] != "users" ||
      std::find(args->begin(), args->end(), "--password-stdin") == args->end()) {
    return Status::Ok();
  }
  if (std::find_if(args->begin(), args->end(), [](const std::string& a) {
        return a.rfind("--password-scrypt", 0) == 0;
      }) != args->end()) {
    return Status::Invalid("--password-scrypt is set by --password-stdin, not by hand");
  }
  std::string password;
  if (!std::getline(in, password) || password.empty()) {
    return Status::Invalid("--password-stdin: no password on standard input (one line)");
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto hash = accounts::HashPassword(password);
  if (!hash.ok()) return hash.status();
  args->push_back("--password-scrypt");
  args->push_back(*hash);
  return Status::Ok();
}

int CmdUsersAdd(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (!args.positional().empty()) {
    err << "error: unexpected argument \"" << args.positional()[0] << "\" (the name goes in --name)\n";
    return 2;
  }
  auto name = args.Require("name");
  auto role = args.Require("role");
  if (!name.ok() || !role.ok()) {
    err << "error: " << (!name.ok() ? name.status() : role.status()).message() << "\n";
    return 2;
  }
  if (Status s = accounts::CheckUserName(*name); !s.ok()) {
    err << "error: " << s.message() << "\n";
    return 2;
  }
  if (!accounts::ParseDashRole(*role)) {
    err << "error: --role must be viewer, reviewer or admin, got \"" << *role << "\"\n";
    return 2;
  }
  auto hash = PasswordHashArg(args);
  if (!hash.ok()) {
    err << "error: " << hash.status().message() << "\n";
    return 2;
  }
  auto published = env.ctx().forms.Get();
  DashboardUser u;
  u.set_name(*name);
  u.set_role(*role);
  u.set_password_hash(*hash);
  u.set_created_by(env.Operator().name);
  for (const auto& w : args.GetAll("ward")) {
    const auto& ws = published->wards.wards();
    if (std::none_of(ws.begin(), ws.end(), [&](const auto& p) { return p.id() == w; })) {
      err << "error: --ward " << w << " is not a published ward (see `wards`)\n";
      return 2;
    }
    u.add_wards(w);
  }
  Status status = Status::Internal("not run");
  env.Exclusive([&](Ingestor& ing) {
    auto existing = accounts::LoadUser(ing.ctx().store, *name);
    if (existing.ok()) {
      status = Status::Exists("a user named \"" + *name + "\" exists already (change its password with `users passwd`)");
      return;
    }
    if (!existing.status().not_found()) {
      status = existing.status();
      return;
    }
    u.set_created_ms(ing.ctx().clock.NowMs());
    u.set_updated_ms(u.created_ms());
    status = accounts::SaveUser(ing.ctx().store, u);
  });
  if (!status.ok()) {
    err << "error: " << status.message() << "\n";
    return 1;
  }
  util::LogLine("dashboard account " + *name + " (" + *role + ") added by " + u.created_by());
  out << "added user " << *name << " (" << *role << ", "
      << (u.wards().empty() ? std::string("every ward") : "wards " + std::to_string(u.wards_size())) << ")\n";
  return 0;
}

int CmdUsersList(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto users = accounts::ListUsers(env.ctx().store);
  if (!users.ok()) {
    err << "error: " << users.status().message() << "\n";
    return 1;
  }
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginArray();
    for (const auto& u : *users) {
      w.BeginObject().Key("name").String(u.name()).Key("role").String(u.role()).Key("wards").BeginArray();
      for (const auto& ward : u.wards()) w.String(ward);
      w.EndArray().Key("disabled").Bool(u.disabled()).Key("created").String(render::TimeMs(u.created_ms()));
      w.Key("created_by").String(u.created_by()).Key("updated").String(render::TimeMs(u.updated_ms())).EndObject();
    }
    w.EndArray();
    out << w.str() << "\n";
    return 0;
  }
  if (users->empty()) out << "no dashboard accounts (add one with `users add`)\n";
  for (const auto& u : *users) {
    out << u.name() << "  " << u.role() << "  ";
    if (u.wards().empty()) out << "every ward";
    for (int i = 0; i < u.wards_size(); ++i) out << (i ? "," : "wards ") << u.wards(i);
    if (u.disabled()) out << "  DISABLED";
    out << "\n";
  }
  return 0;
}

int CmdUsersDisable(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  const std::string name = OneName(args, "disable", err);
  if (name.empty()) return 2;
  return Update(env, name, [](DashboardUser& u) { u.set_disabled(true); }, out, err,
                "disabled (its sessions end at their next request)");
}

int CmdUsersEnable(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  const std::string name = OneName(args, "enable", err);
  if (name.empty()) return 2;
  return Update(env, name, [](DashboardUser& u) { u.set_disabled(false); }, out, err, "enabled");
}

int CmdUsersPasswd(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  const std::string name = OneName(args, "passwd", err);
  if (name.empty()) return 2;
  auto hash = PasswordHashArg(args);
  if (!hash.ok()) {
    err << "error: " << hash.status().message() << "\n";
    return 2;
  }
  return Update(env, name, [&](DashboardUser& u) { u.set_password_hash(*hash); }, out, err,
                "password changed (its open sessions end at their next request)");
}

}  // namespace wardsync::server

#include "common/crypto/pki.h"
#include "common/enroll/enroll_code.h"
#include "common/net/server_list.h"
#include "common/util/files.h"
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "server/enroll/enrollment.h"

namespace wardsync::server {

int CmdEnroll(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto ward = args.Require("ward");
  auto role = args.Require("role");
  if (!ward.ok() || !role.ok()) {
    err << "error: " << (!ward.ok() ? ward.status() : role.status()).message() << "\n";
    return 2;
  }
  uint64_t ttl_ms = env.ctx().limits.enroll_code_ttl_ms;
  if (auto h = args.Get("ttl-hours")) {
    char* end = nullptr;
    double hours = std::strtod(h->c_str(), &end);
    if (end == h->c_str() || *end || !(hours > 0) || hours > 24 * 365) {
      err << "error: --ttl-hours must be a positive number of hours, got \"" << *h << "\"\n";
      return 2;
    }
    ttl_ms = static_cast<uint64_t>(hours * 3600 * 1000);
  }
  // Every --server (each may be a comma-separated list): the addresses of
  // this server's `run` processes, tried in turn by the device. Checked
  // before a code is made, so a typo uses up nothing.
  std::string servers;
  for (const auto& s : args.GetAll("server")) servers += (servers.empty() ? "" : ",") + s;
  if (!servers.empty()) {
    auto list = net::ParseServerList(servers);
    if (!list.ok()) {
      err << "error: --server: " << list.status().message() << "\n";
      return 2;
    }
    servers = net::JoinServerList(*list);
    if (servers.size() > 255) {
      err << "error: --server: the addresses take " << servers.size()
          << " bytes; an enrollment code carries at most 255\n";
      return 2;
    }
  }
  std::string ca_pem;
  Status s = util::ReadFile(env.paths().ca_cert(), &ca_pem);
  auto fingerprint = s.ok() ? crypto::CertificateFingerprint(ca_pem) : Result<std::string>(s);
  if (!fingerprint.ok()) {
    err << "error: cannot read the committee CA: " << fingerprint.status().message() << "\n";
    return 1;
  }
  Result<NewCode> made = Status::Internal("not run");
  env.Exclusive([&](Ingestor& ing) { made = CreateEnrollCode(ing.ctx(), *ward, *role, ttl_ms); });
  if (!made.ok()) {
    err << "error: " << made.status().message() << "\n";
    return 1;
  }
  enroll::EnrollCode code;
  code.ca_fingerprint = *fingerprint;
  code.secret = made->secret;
  if (!servers.empty()) {
    code.server = servers;
  } else {
    std::string listen;
    if (util::ReadFile(env.paths().dir + "/listen", &listen).ok()) {
      while (!listen.empty() && (listen.back() == '\n' || listen.back() == ' ')) listen.pop_back();
      code.server = listen;
    }
  }
  const std::string text = enroll::EncodeEnrollCode(code);
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("code").String(text).Key("ward").String(*ward).Key("role").String(*role);
    w.Key("expires_ms").Uint(made->code.expires_ms()).EndObject();
    out << w.str() << "\n";
  } else {
    out << text << "\n";
  }
  return 0;
}

}  // namespace wardsync::server

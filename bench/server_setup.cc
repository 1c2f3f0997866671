#include <time.h>

#include <sstream>

#include "bench/scenarios.h"
#include "client/sync/sync_client.h"
#include "common/control/control_channel.h"
#include "common/enroll/enroll_code.h"
#include "common/forms/form_loader.h"
#include "common/util/files.h"
#include "server/server_paths.h"

namespace wardsync::bench {

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void Cleanup(const Options& o, const std::string& path) {
  if (!o.keep) (void)RemoveTree(path);
}

namespace {

// Enrolls `who` with a running server through its control socket (a code)
// and the device side of enrollment (client::Enroll), as `wardsync init` does.
Status EnrollExternal(const Options& o, const Identity& who, std::string* ca_pem) {
  server::ServerPaths paths(o.ext_data);
  auto r = control::CallControl(paths.control_socket(), {"enroll", "--ward", who.ward, "--role", "officer"});
  if (!r.ok()) return r.status();
  if (r->exit_code() != 0) return Status::Internal("enroll: " + r->err());
  std::string text = r->out();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  auto code = enroll::DecodeEnrollCode(text);
  if (!code.ok()) return code.status();
  auto enrolled = client::Enroll(o.ext_host, o.ext_port, code->ca_fingerprint, code->secret, who.key,
                                 "bench " + who.ward, std::chrono::seconds(15));
  if (!enrolled.ok()) return enrolled.status();
  if (enrolled->device_id != who.id) return Status::Internal("server named the device " + enrolled->device_id);
  *ca_pem = enrolled->ca_pem;
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<ServerSetup>> ServerSetup::Create(const Options& o, const std::string& name) {
  std::unique_ptr<ServerSetup> s(new ServerSetup());
  s->o_ = &o;
  s->work_ = o.work_dir + "/" + name;
  WS_RETURN_IF_ERROR(util::MakeDirs(s->work_, 0700));
  if (o.external()) {
    // The forms come with the first sync; devices get the pack's meanwhile
    // (identical definitions, so the store accepts the server's later).
    auto pack = forms_util::LoadFormPack(o.forms_dir);
    if (!pack.ok()) return pack.status();
    s->facts_.forms = pack->forms;
    s->facts_.wards = pack->wards;
    s->facts_.choice_lists = pack->choice_lists;
    WS_RETURN_IF_ERROR(util::ReadFile(server::ServerPaths(o.ext_data).ca_cert(), &s->facts_.ca_pem));
    return s;
  }
  s->template_ = s->work_ + "/server-template";
  WS_RETURN_IF_ERROR(InitServerDir(s->template_, o.forms_dir));
  auto facts = ReadServerFacts(s->template_);
  if (!facts.ok()) return facts.status();
  s->facts_ = std::move(facts).value();
  return s;
}

std::vector<std::string> ServerSetup::Wards() const {
  std::vector<std::string> out;
  for (const auto& w : facts_.wards.wards()) out.push_back(w.id());
  if (out.empty()) out.push_back("phuong-trung-vuong");
  return out;
}

Result<std::vector<Identity>> ServerSetup::Devices(const std::string& group, const std::vector<std::string>& wards,
                                                   int run) {
  const std::string key = o_->external() ? group + "#" + std::to_string(run) : group;
  if (auto it = made_.find(key); it != made_.end()) return it->second;
  if (!o_->external() && started_) return Status::Internal("bench: devices must be made before the first run");
  std::vector<Identity> who;
  std::vector<wardsync::store::Device> rows;
  for (size_t i = 0; i < wards.size(); ++i) {
    auto id = NewIdentity(wards[i], "Nguyễn Văn An");
    if (!id.ok()) return id.status();
    if (o_->external()) {
      WS_RETURN_IF_ERROR(EnrollExternal(*o_, *id, &facts_.ca_pem));
    } else {
      rows.push_back(ServerRow(*id));
    }
    who.push_back(std::move(id).value());
  }
  if (!rows.empty()) WS_RETURN_IF_ERROR(WriteDeviceRows(template_, rows));
  made_[key] = who;
  return who;
}

Result<std::unique_ptr<BenchServer>> ServerSetup::StartRun(int run, int cpu) {
  started_ = true;
  if (o_->external()) return BenchServer::External(o_->ext_host, o_->ext_port, o_->ext_pid);
  const std::string dir = RunDir(run);
  (void)RemoveTree(dir);
  WS_RETURN_IF_ERROR(util::MakeDirs(dir, 0700));
  WS_RETURN_IF_ERROR(CopyTree(template_, dir + "/server"));
  return BenchServer::Spawn(dir + "/server", dir + "/server.log", cpu);
}

}  // namespace wardsync::bench

#include "tests/support/server_fixture.h"

#include <catch2/catch.hpp>

#include <future>
#include <sstream>

#include "common/store/proto_io.h"
#include "server/admin/dispatch.h"
#include "server/cli/init_command.h"
#include "server/cli/server_cli.h"
#include "server/runtime/online_admin_env.h"
#include "server/store/server_keys.h"

namespace wardsync::test {

ServerFixture::ServerFixture(ServerFixtureOptions options) : options_(std::move(options)) {
  data_dir_ = dir_.Sub("srv");
  server::InitOptions init;
  init.data_dir = data_dir_;
  init.forms_dir = WARDSYNC_SOURCE_DIR "/forms/election";
  std::ostringstream out;
  Status s = server::InitServer(init, out);
  if (!s.ok()) FAIL("InitServer: " << s.message());
  if (options_.start) Start();
}

ServerFixture::~ServerFixture() {
  if (runtime_) runtime_->Stop();
  runtime_.reset();
}

void ServerFixture::Start() {
  REQUIRE_FALSE(runtime_);
  server::RuntimeOptions o;
  o.data_dir = data_dir_;
  o.host = "127.0.0.1";
  o.port = port_;
  o.limits = options_.limits;
  o.record_cache_bytes = options_.record_cache_bytes;
  o.threads = options_.threads;
  o.clock = options_.clock;
  auto rt = server::ServerRuntime::Start(o);
  if (!rt.ok()) FAIL("ServerRuntime::Start: " << rt.status().message());
  runtime_ = std::move(rt).value();
  port_ = runtime_->port();
}

void ServerFixture::Stop() {
  REQUIRE(runtime_);
  runtime_->Stop();
  runtime_.reset();
}

void ServerFixture::Restart() {
  Stop();
  Start();
}

std::string ServerFixture::address() const { return "127.0.0.1:" + std::to_string(port_); }

server::ServerRuntime& ServerFixture::runtime() {
  REQUIRE(runtime_);
  return *runtime_;
}

CommandResult ServerFixture::Admin(std::vector<std::string> args) {
  args.push_back("--data");
  args.push_back(data_dir_);
  std::ostringstream out, err;
  CommandResult r;
  if (runtime_) {
    server::OnlineAdminEnv env(server::ServerPaths(data_dir_), runtime_->ctx(), runtime_->committer(),
                               runtime_->sync_server());
    r.exit_code = server::RunAdminCommand(env, args, out, err);
  } else {
    r.exit_code = server::ServerCli(args, out, err);
  }
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string ServerFixture::EnrollCode(const std::string& ward, const std::string& role) {
  auto r = Admin({"enroll", "--ward", ward, "--role", role, "--server", address()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string code = r.out;
  while (!code.empty() && (code.back() == '\n' || code.back() == ' ')) code.pop_back();
  REQUIRE(code.rfind("WS1-", 0) == 0);
  return code;
}

std::map<std::string, std::string> ServerFixture::Dump(const std::vector<std::string>& prefixes) {
  std::map<std::string, std::string> all;
  for (const auto& p : prefixes) {
    auto it = store().Scan(p);
    for (; it->Valid(); it->Next()) all.emplace(std::string(it->key()), std::string(it->value()));
    REQUIRE(it->status().ok());
  }
  return all;
}

std::vector<records::RecordState> ServerFixture::Records() {
  std::vector<records::RecordState> out;
  auto it = store().Scan(server::keys::kRecordPrefix);
  for (; it->Valid(); it->Next()) {
    records::RecordState r;
    REQUIRE(r.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
    out.push_back(std::move(r));
  }
  REQUIRE(it->status().ok());
  return out;
}

Status ServerFixture::WriteAsCommitter(const WriteBatch& batch) {
  std::promise<Status> done;
  runtime().committer().RunExclusive([&](server::Ingestor& ing) { done.set_value(ing.ctx().store.Write(batch, true)); });
  return done.get_future().get();
}

uint64_t ServerFixture::LogHead() { return runtime().committer().log_head(); }

store::Device ServerFixture::Device(const std::string& device_id) {
  store::Device d;
  Status s = GetProto(store(), server::keys::Device(device_id), &d);
  INFO(s.message());
  REQUIRE(s.ok());
  return d;
}

}  // namespace wardsync::test

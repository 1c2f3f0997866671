#include "tests/integration/faults/fault_rig.h"

#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "client/cli/init_device.h"
#include "client/client_paths.h"
#include "client/store/client_keys.h"
#include "common/store/proto_io.h"
#include "server/admin/dispatch.h"
#include "server/cli/init_command.h"
#include "server/runtime/online_admin_env.h"
#include "server/store/server_keys.h"
#include "tests/support/eventually.h"
#include "tests/support/fault_tally.h"
#include "tests/support/pack_values.h"

namespace wardsync::test {

namespace fs = std::filesystem;
using google::protobuf::util::MessageDifferencer;

uint64_t TestSeed() {
  if (const char* s = std::getenv("WARDSYNC_SEED"); s && *s) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

void CopyTree(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  for (const auto& e : fs::recursive_directory_iterator(from)) {
    const fs::path rel = fs::relative(e.path(), from);
    if (e.is_directory()) {
      fs::create_directories(fs::path(to) / rel);
    } else if (e.is_regular_file() && rel.filename() != "LOCK") {
      fs::copy_file(e.path(), fs::path(to) / rel, fs::copy_options::overwrite_existing);
    }
  }
}

// ------------------------------------------------------------------ server

FaultServer::FaultServer(FaultServerOptions options) : options_(std::move(options)) {
  data_dir_ = dir_.Sub("srv");
  if (!options_.copy_from.empty()) {
    CopyTree(options_.copy_from, data_dir_);
  } else {
    server::InitOptions init;
    init.data_dir = data_dir_;
    init.forms_dir = WARDSYNC_SOURCE_DIR "/forms/election";
    std::ostringstream out;
    Status s = server::InitServer(init, out);
    if (!s.ok()) FAIL("InitServer: " << s.message());
  }
  Start();
}

FaultServer::~FaultServer() {
  if (runtime_) runtime_->Stop();
  runtime_.reset();
}

void FaultServer::Start() {
  REQUIRE_FALSE(runtime_);
  server::RuntimeOptions o;
  o.data_dir = data_dir_;
  o.host = "127.0.0.1";
  o.port = port_;
  o.limits = options_.limits;
  o.threads = options_.threads;
  o.store_options.env = options_.env;
  auto rt = server::ServerRuntime::Start(o);
  if (!rt.ok()) FAIL("ServerRuntime::Start: " << rt.status().message());
  runtime_ = std::move(rt).value();
  port_ = runtime_->port();
}

void FaultServer::Stop() {
  REQUIRE(runtime_);
  runtime_->Stop();
  runtime_.reset();  // closes the store: a FaultEnv may now drop what was not synced
}

KvStore& FaultServer::store() {
  REQUIRE(runtime_);
  return runtime_->ctx().store;
}

void FaultServer::WaitIdle() {
  REQUIRE(runtime_);
  INFO("the server's sessions must end once their connections are gone");
  REQUIRE(Eventually([&] { return runtime_->sync_server().open_connections() == 0; }, std::chrono::seconds(20)));
}

std::string FaultServer::EnrollCode(const std::string& ward, const std::string& role) {
  REQUIRE(runtime_);
  std::ostringstream out, err;
  server::OnlineAdminEnv env(server::ServerPaths(data_dir_), runtime_->ctx(), runtime_->committer(),
                             runtime_->sync_server());
  int code = server::RunAdminCommand(
      env, {"enroll", "--ward", ward, "--role", role, "--server", address(), "--data", data_dir_}, out, err);
  INFO(err.str());
  REQUIRE(code == 0);
  std::string text = out.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

store::Device FaultServer::Device(const std::string& device_id) {
  store::Device d;
  Status s = GetProto(store(), server::keys::Device(device_id), &d);
  INFO(s.message());
  REQUIRE(s.ok());
  return d;
}

uint64_t FaultServer::LogHead() {
  std::string raw;
  Status s = store().Get(server::keys::kLogHead, &raw);
  if (s.not_found()) return 0;
  REQUIRE(s.ok());
  return wardsync::keys::ReadU64(raw);
}

std::vector<store::LogEntry> FaultServer::Log() {
  std::vector<store::LogEntry> out;
  auto it = store().Scan(server::keys::kLogPrefix);
  for (; it->Valid(); it->Next()) {
    const uint64_t seq = wardsync::keys::ReadU64(it->key().substr(server::keys::kLogPrefix.size()));
    INFO("log entries must be gap-free from 1");
    REQUIRE(seq == out.size() + 1);
    store::LogEntry e;
    REQUIRE(e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
    out.push_back(std::move(e));
  }
  REQUIRE(it->status().ok());
  return out;
}

std::map<std::string, records::RecordState> FaultServer::Records() {
  std::map<std::string, records::RecordState> out;
  auto it = store().Scan(server::keys::kRecordPrefix);
  for (; it->Valid(); it->Next()) {
    records::RecordState r;
    REQUIRE(r.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
    out.emplace(r.record_id(), std::move(r));
  }
  REQUIRE(it->status().ok());
  return out;
}

std::vector<uint64_t> FaultServer::ChangeSetSeqs(const std::string& device_id) {
  std::vector<uint64_t> out;
  const std::string prefix = server::keys::ChangeSetPrefix(device_id);
  auto it = store().Scan(prefix);
  for (; it->Valid(); it->Next()) out.push_back(wardsync::keys::ReadU64(it->key().substr(prefix.size())));
  REQUIRE(it->status().ok());
  return out;
}

// ------------------------------------------------------------------ device

FaultDevice::FaultDevice(FaultServer& server, const std::string& ward, leveldb::Env* env)
    : data_dir_(dir_.Sub("dev")), env_(env) {
  client::InitDeviceOptions o;
  o.data_dir = data_dir_;
  o.server = server.address();
  o.code = server.EnrollCode(ward);
  o.officer = "Lê Thị Hoa";
  o.label = "faults " + ward;
  std::ostringstream out;
  std::string forms_error;
  Status s = client::InitDevice(o, out, &forms_error);
  if (!s.ok()) FAIL("InitDevice: " << s.message());
  if (!forms_error.empty()) FAIL("InitDevice: forms not pulled: " << forms_error);
  LoadKey();
  Open();
}

FaultDevice::FaultDevice(const std::string& copy_from, leveldb::Env* env) : data_dir_(dir_.Sub("dev")), env_(env) {
  CopyTree(copy_from, data_dir_);
  LoadKey();
  Open();
}

FaultDevice::~FaultDevice() { Close(); }

void FaultDevice::LoadKey() {
  auto k = crypto::PrivateKey::LoadPemFile(client::ClientPaths(data_dir_).device_key());
  if (!k.ok()) FAIL("device key: " << k.status().message());
  key_.emplace(std::move(k).value());
}

void FaultDevice::Open() {
  REQUIRE_FALSE(db_);
  LevelDbOptions o;
  o.env = env_;
  o.create_if_missing = false;
  auto db = LevelDbStore::Open(client::ClientPaths(data_dir_).db(), o);
  if (!db.ok()) FAIL("open client store: " << db.status().message());
  db_ = std::move(db).value();
  store_ = std::make_unique<client::ClientStore>(*db_);
  capture_ = std::make_unique<client::Capture>(*store_, clock_);
  auto cfg = store_->Config();
  REQUIRE(cfg.ok());
  device_id_ = cfg->device_id();
}

void FaultDevice::Close() {
  capture_.reset();
  store_.reset();
  db_.reset();
}

void FaultDevice::PointAt(const std::string& host_port) {
  auto cfg = store_->Config();
  REQUIRE(cfg.ok());
  cfg->set_server(host_port);
  REQUIRE(store_->SaveConfig(*cfg).ok());
}

Result<client::SyncReport> FaultDevice::Sync(client::SyncOptions options) {
  return client::RunSync(*store_, *key_, options);
}

client::FieldTexts Meeting(int n) {
  return {{"candidate", test::Candidate(static_cast<size_t>(n))},
          {"place", test::kMeetingPlace},
          {"meeting_date", "2026-11-20"},
          {"invited", std::to_string(100 + n % 50)},
          {"attended", std::to_string(60 + n % 40)}};
}

Result<std::string> FaultDevice::TryNew(int n) { return capture_->New("voter-meeting", Meeting(n)); }

std::string FaultDevice::New(int n) {
  auto id = TryNew(n);
  if (!id.ok()) FAIL("capture " << n << ": " << id.status().message());
  return *id;
}

store::SyncState FaultDevice::State() {
  auto s = store_->State();
  REQUIRE(s.ok());
  return *s;
}

std::vector<uint64_t> FaultDevice::OutboxSeqs() {
  std::vector<uint64_t> out;
  auto it = db_->Scan(client::keys::kOutboxPrefix);
  for (; it->Valid(); it->Next()) out.push_back(client::keys::OutboxSeq(it->key()));
  REQUIRE(it->status().ok());
  return out;
}

namespace {
std::map<std::string, records::RecordState> ScanRecords(KvStore& kv, std::string_view prefix) {
  std::map<std::string, records::RecordState> out;
  auto it = kv.Scan(prefix);
  for (; it->Valid(); it->Next()) {
    records::RecordState r;
    REQUIRE(r.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
    REQUIRE(std::string(it->key().substr(prefix.size())) == r.record_id());
    out.emplace(r.record_id(), std::move(r));
  }
  REQUIRE(it->status().ok());
  return out;
}

std::vector<uint64_t> Range(uint64_t from, uint64_t to) {  // [from, to]
  std::vector<uint64_t> v;
  for (uint64_t i = from; i <= to; ++i) v.push_back(i);
  return v;
}
}  // namespace

std::map<std::string, records::RecordState> FaultDevice::ServerViews() {
  return ScanRecords(*db_, client::keys::kServerRecordPrefix);
}
std::map<std::string, records::RecordState> FaultDevice::LocalViews() {
  // Through the store's accessor, as the officer's screens read them: loc/
  // only where it differs from srv/, a pulled record under srv/ alone
  // (client_keys.h).
  std::map<std::string, records::RecordState> out;
  Status listed = store_->ForEachLocal(std::nullopt, [&](const records::RecordState& r) {
    REQUIRE(out.emplace(r.record_id(), r).second);
  });
  REQUIRE(listed.ok());
  return out;
}

// ------------------------------------------------------------------ checks

void CheckSafe(FaultServer& server, FaultDevice& device) {
  server.WaitIdle();
  const store::Device d = server.Device(device.device_id());
  const store::SyncState st = device.State();
  INFO("device acked " << st.acked_seq() << " made " << st.last_seq() << "; server holds " << d.last_seq());
  // Nothing the device dropped from its outbox is missing on the server.
  REQUIRE(st.acked_seq() <= d.last_seq());
  REQUIRE(d.last_seq() <= st.last_seq());
  // The outbox is exactly what was not acknowledged.
  REQUIRE(device.OutboxSeqs() == Range(st.acked_seq() + 1, st.last_seq()));
  // Each change-set once on the server, no gap.
  REQUIRE(server.ChangeSetSeqs(device.device_id()) == Range(1, d.last_seq()));
  // The log is gap-free and names each change once.
  const auto log = server.Log();
  REQUIRE(server.LogHead() == log.size());
  std::set<std::tuple<std::string, uint64_t, uint32_t>> changes;
  for (const auto& e : log) {
    INFO("log entry of device " << e.device_id() << " seq " << e.seq() << " change " << e.change_index());
    REQUIRE(changes.emplace(e.device_id(), e.seq(), e.change_index()).second);
  }
  // What the device pulled is what the server holds (or an older state of it).
  REQUIRE(st.pull_cursor() <= log.size());
  const auto on_server = server.Records();
  const auto local = device.LocalViews();
  for (const auto& [id, view] : device.ServerViews()) {
    auto it = on_server.find(id);
    REQUIRE(it != on_server.end());
    REQUIRE(view.log_seq() <= it->second.log_seq());
    if (view.log_seq() == it->second.log_seq()) REQUIRE(MessageDifferencer::Equals(view, it->second));
    REQUIRE(local.count(id) == 1);
  }
}

void CheckConverged(FaultServer& server, const std::vector<FaultDevice*>& devices, size_t records) {
  const auto on_server = server.Records();
  const auto log = server.Log();
  std::map<std::string, int> per_record;
  for (const auto& e : log) ++per_record[e.record_id()];
  {
    // Counted for scripts/soak before the checks below stop the test.
    uint64_t duplicated = 0;
    for (const auto& [id, n] : per_record) duplicated += static_cast<uint64_t>(n - 1);
    CountFault(Tally::kChangeSetsChecked, records);
    CountFault(Tally::kLost, records > per_record.size() ? records - per_record.size() : 0);
    CountFault(Tally::kDuplicated, duplicated);
  }
  REQUIRE(on_server.size() == records);
  // Creates only: one log entry per record, one per change-set.
  REQUIRE(log.size() == records);
  for (const auto& [id, n] : per_record) REQUIRE(n == 1);
  REQUIRE(per_record.size() == records);

  for (FaultDevice* dev : devices) {
    CheckSafe(server, *dev);
    const store::Device d = server.Device(dev->device_id());
    const store::SyncState st = dev->State();
    REQUIRE(st.acked_seq() == st.last_seq());
    REQUIRE(d.last_seq() == st.last_seq());
    REQUIRE(dev->OutboxSeqs().empty());
    REQUIRE(st.pull_cursor() == log.size());
    const auto srv = dev->ServerViews();
    const auto loc = dev->LocalViews();
    REQUIRE(srv.size() == on_server.size());
    REQUIRE(loc.size() == on_server.size());
    for (const auto& [id, rec] : on_server) {
      REQUIRE(srv.count(id) == 1);
      REQUIRE(MessageDifferencer::Equals(srv.at(id), rec));
      REQUIRE(MessageDifferencer::Equals(loc.at(id), rec));
    }
  }
}

}  // namespace wardsync::test

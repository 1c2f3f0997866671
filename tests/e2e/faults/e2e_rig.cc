#include "tests/e2e/faults/e2e_rig.h"

#include <catch2/catch.hpp>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>

#include "client/capture/capture.h"
#include "client/client_paths.h"
#include "client/store/client_keys.h"
#include "client/store/client_store.h"
#include "common/changes/changeset.h"
#include "common/clock/clock.h"
#include "common/store/forwarding_store.h"
#include "common/store/leveldb_store.h"
#include "tests/support/fault_tally.h"

namespace wardsync::test {

namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

// Capturing a few hundred records with a disk sync each is not what these
// tests are about; the data reaches the OS before the store closes, which
// is all a later process needs.
class NoSyncKv : public ForwardingKvStore {
 public:
  using ForwardingKvStore::ForwardingKvStore;
  Status Write(const WriteBatch& batch, bool) override { return inner().Write(batch, false); }
};

std::unique_ptr<LevelDbStore> OpenClientDb(const std::string& data) {
  LevelDbOptions o;
  o.create_if_missing = false;
  auto db = LevelDbStore::Open(client::ClientPaths(data).db(), o);
  if (!db.ok()) FAIL("open client store " << data << ": " << db.status().message());
  return std::move(db).value();
}

}  // namespace

uint64_t E2eSeed() {
  if (const char* s = std::getenv("WARDSYNC_SEED"); s && *s) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

// ------------------------------------------------------------------ server

ServerProc::ServerProc() : data_(dir_.Sub("srv")) {
  auto r = RunCommand("wardsync-server", {"init", "--data", data_, "--forms", WARDSYNC_SOURCE_DIR "/forms/election"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

ServerProc::~ServerProc() {
  if (proc_) {
    proc_->Signal(SIGKILL);
    proc_->Wait(std::chrono::seconds(10));
  }
}

void ServerProc::Start(std::vector<std::string> args) {
  REQUIRE_FALSE(proc_);
  if (port_ == 0) args_ = std::move(args);
  std::vector<std::string> argv = {"run", "--data", data_, "--listen", address()};
  argv.insert(argv.end(), args_.begin(), args_.end());
  proc_ = std::make_unique<Process>("wardsync-server", argv);
  auto line = proc_->WaitForStderrLine("listening on ", std::chrono::seconds(30));
  INFO("server stderr: " << proc_->err());
  REQUIRE(line.has_value());
  std::string rest = line->substr(line->find("listening on ") + 13);
  rest = rest.substr(0, rest.find(' '));
  const auto port = static_cast<uint16_t>(std::stoi(rest.substr(rest.rfind(':') + 1)));
  REQUIRE((port_ == 0 || port == port_));
  port_ = port;
}

void ServerProc::Kill() {
  REQUIRE(proc_);
  proc_->Signal(SIGKILL);
  REQUIRE(proc_->Wait(std::chrono::seconds(10)).has_value());
  proc_.reset();
}

void ServerProc::Stop() {
  REQUIRE(proc_);
  REQUIRE(proc_->Signal(SIGTERM));
  auto code = proc_->Wait(std::chrono::seconds(20));
  INFO("server stderr: " << proc_->err());
  REQUIRE(code == 0);
  proc_.reset();
}

CommandResult ServerProc::Admin(std::vector<std::string> args) {
  args.push_back("--data");
  args.push_back(data_);
  return RunCommand("wardsync-server", args);
}

JsonValue ServerProc::AdminJson(std::vector<std::string> args) {
  args.push_back("--json");
  auto r = Admin(args);
  INFO(args[0] << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return ParseJson(r.out);
}

std::string ServerProc::Enroll(const std::string& ward) {
  auto r = Admin({"enroll", "--ward", ward, "--role", "officer"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return Trim(r.out);
}

uint64_t ServerProc::DeviceSeq(const std::string& device_id) {
  const JsonValue devices = AdminJson({"devices"});  // kept alive: Items() refers into it
  for (const auto& d : Items(devices)) {
    if (Str(At(d, "id")) == device_id) return static_cast<uint64_t>(Num(At(d, "last_seq")));
  }
  FAIL("device " << device_id << " is not on the server");
  return 0;
}

// ------------------------------------------------------------------ client

WardClient::WardClient(ServerProc& server, const std::string& ward) : data_(dir_.Sub("client")) {
  const std::string code = server.Enroll(ward);
  auto r = RunCommand("wardsync", {"init", "--data", data_, "--server", server.address(), "--code", code,
                                   "--officer", "Phạm Văn Đức"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  device_id_ = Str(At(Json({"status"}), "device"));
}

std::vector<std::string> WardClient::Args(std::vector<std::string> args) const {
  args.push_back("--data");
  args.push_back(data_);
  return args;
}

CommandResult WardClient::Run(std::vector<std::string> args) { return RunCommand("wardsync", Args(std::move(args))); }

JsonValue WardClient::Json(std::vector<std::string> args) {
  args.push_back("--json");
  auto r = Run(args);
  INFO(args[0] << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return ParseJson(r.out);
}

std::vector<std::string> WardClient::Capture(int n) {
  auto db = OpenClientDb(data_);
  NoSyncKv fast(*db);
  client::ClientStore store(fast);
  SystemClock clock;
  client::Capture capture(store, clock);
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i, ++captured_) {
    auto id = capture.New("voter-meeting", {{"candidate", Candidate(captured_)},
                                            {"place", kMeetingPlace},
                                            {"meeting_date", "2026-11-21"},
                                            {"invited", std::to_string(200 + captured_ % 100)},
                                            {"attended", std::to_string(100 + captured_ % 100)}});
    if (!id.ok()) FAIL("capture: " << id.status().message());
    ids.push_back(*id);
  }
  return ids;
}

void WardClient::PointAt(const std::string& host_port) {
  auto db = OpenClientDb(data_);
  client::ClientStore store(*db);
  auto cfg = store.Config();
  REQUIRE(cfg.ok());
  cfg->set_server(host_port);
  REQUIRE(store.SaveConfig(*cfg).ok());
}

WardClient::View WardClient::Inspect() {
  auto db = OpenClientDb(data_);
  client::ClientStore store(*db);
  View v;
  auto st = store.State();
  REQUIRE(st.ok());
  v.state = *st;
  for (auto it = db->Scan(client::keys::kOutboxPrefix); it->Valid(); it->Next()) {
    v.outbox.push_back(client::keys::OutboxSeq(it->key()));
  }
  for (auto it = db->Scan(client::keys::kServerRecordPrefix); it->Valid(); it->Next()) {
    v.srv.insert(changes_util::RecordIdText(it->key().substr(client::keys::kServerRecordPrefix.size())));
  }
  // The local views through the store's accessor (loc/ over srv/: a pulled
  // record is stored under srv/ alone, client_keys.h).
  Status listed = store.ForEachLocal(std::nullopt, [&](const records::RecordState& r) {
    v.loc.insert(changes_util::RecordIdText(r.record_id()));
  });
  REQUIRE(listed.ok());
  return v;
}

// ------------------------------------------------------------------ checks

void CheckClientSafe(ServerProc& server, WardClient& client) {
  const uint64_t held = server.DeviceSeq(client.device_id());
  const auto v = client.Inspect();
  INFO("client acked " << v.state.acked_seq() << " made " << v.state.last_seq() << "; server holds " << held);
  REQUIRE(v.state.acked_seq() <= held);
  REQUIRE(held <= v.state.last_seq());
  std::vector<uint64_t> expected;
  for (uint64_t s = v.state.acked_seq() + 1; s <= v.state.last_seq(); ++s) expected.push_back(s);
  REQUIRE(v.outbox == expected);
  for (const auto& id : v.srv) REQUIRE(v.loc.count(id) == 1);
}

void CheckServerHolds(ServerProc& server, const std::set<std::string>& ids) {
  std::map<std::string, int> seen;
  const JsonValue records = server.AdminJson({"records"});  // kept alive: Items() refers into it
  for (const auto& r : Items(records)) ++seen[Str(At(r, "id"))];
  const JsonValue v = server.AdminJson({"verify"});
  {
    // Counted for scripts/soak before the checks below stop the test.
    // Creates only: a record applied twice shows as a second log entry.
    uint64_t lost = 0, duplicated = 0;
    for (const auto& id : ids) lost += seen.count(id) == 0 ? 1 : 0;
    for (const auto& [id, n] : seen) duplicated += static_cast<uint64_t>(n - 1);
    const auto entries = static_cast<uint64_t>(Num(At(v, "log_entries")));
    if (entries > seen.size()) duplicated = std::max<uint64_t>(duplicated, entries - seen.size());
    CountFault(Tally::kChangeSetsChecked, ids.size());
    CountFault(Tally::kLost, lost);
    CountFault(Tally::kDuplicated, duplicated);
  }
  REQUIRE(seen.size() == ids.size());
  for (const auto& [id, n] : seen) {
    INFO("record " << id);
    REQUIRE(ids.count(id) == 1);
    REQUIRE(n == 1);
  }
  // Chains, signatures, the log and a replay of it, checked by the server itself.
  INFO("verify: " << (Bool(At(v, "ok")) ? "ok" : Str(At(v, "first_break"))));
  REQUIRE(Bool(At(v, "ok")));
  CHECK(Num(At(v, "change_sets")) == ids.size());
  CHECK(Num(At(v, "log_entries")) == ids.size());
  CHECK(Num(At(v, "log_head")) == ids.size());
}

void CheckClientHolds(WardClient& client, const std::set<std::string>& ids) {
  const auto v = client.Inspect();
  CHECK(v.state.acked_seq() == v.state.last_seq());
  CHECK(v.outbox.empty());
  CHECK(v.srv == ids);
  CHECK(v.loc == ids);
  CHECK(v.state.pull_cursor() == ids.size());
}

}  // namespace wardsync::test

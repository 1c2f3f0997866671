// Fixtures for the review-workflow integration tests: a real server
// (InitServer + ServerRuntime on 127.0.0.1:0, real TLS, real LevelDB in a
// temp dir) driven through its command line (server::ServerCli, forwarded
// over the control socket while the runtime holds the store, exactly as the
// binary does), and ward devices enrolled with real codes and driven through
// the client's command table.
#pragma once
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "client/cli/client_env.h"
#include "client/cli/command.h"
#include "client/cli/init_device.h"
#include "client/store/client_store.h"
#include "common/changes/changeset.h"
#include "common/clock/hlc.h"
#include "common/store/leveldb_store.h"
#include "common/store/proto_io.h"
#include "server/cli/init_command.h"
#include "server/cli/server_cli.h"
#include "server/runtime/server_runtime.h"
#include "server/store/server_keys.h"
#include "tests/integration/core/raw_client.h"
#include "tests/support/pack_values.h"

namespace review_test {

using namespace wardsync;

inline const std::string kWardA = "phuong-trung-vuong";
inline const std::string kWardB = "phuong-hoang-van-thu";

// A fresh directory under `base` (default $TMPDIR or /tmp), removed with everything in it.
class TempDir {
 public:
  explicit TempDir(std::string base = "") {
    if (base.empty()) {
      const char* env = getenv("TMPDIR");
      base = env && *env ? env : "/tmp";
    }
    std::string tmpl = base + "/wardsync-review-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) FAIL("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

// A parsed JSON document (protobuf's JSON parser into google.protobuf.Value).
inline google::protobuf::Value Json(const std::string& text) {
  google::protobuf::Value v;
  auto s = google::protobuf::util::JsonStringToMessage(text, &v);
  INFO(text);
  REQUIRE(s.ok());
  return v;
}
inline const google::protobuf::Value& At(const google::protobuf::Value& v, const std::string& key) {
  INFO("key " << key);
  REQUIRE(v.kind_case() == google::protobuf::Value::kStructValue);
  REQUIRE(v.struct_value().fields().count(key) == 1);
  return v.struct_value().fields().at(key);
}
inline const google::protobuf::Value& At(const google::protobuf::Value& v, int i) {
  REQUIRE(v.kind_case() == google::protobuf::Value::kListValue);
  REQUIRE(i < v.list_value().values_size());
  return v.list_value().values(i);
}
inline int Size(const google::protobuf::Value& v) {
  REQUIRE(v.kind_case() == google::protobuf::Value::kListValue);
  return v.list_value().values_size();
}

// Where tests that are about merge logic rather than durability keep their
// stores: a RAM file system when there is one (fsync there is free, so many
// randomized runs stay fast), else the default temp dir.
inline std::string FastTempBase() {
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0) return "/dev/shm";
  return "";
}

inline bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b, std::string* diff = nullptr) {
  google::protobuf::util::MessageDifferencer d;
  if (diff) d.ReportDifferencesToString(diff);
  return d.Compare(a, b);
}

class TestServer {
 public:
  explicit TestServer(const std::string& temp_base = "") : dir_(temp_base), data_(dir_.path() + "/srv") {
    server::InitOptions o;
    o.data_dir = data_;
    o.forms_dir = WARDSYNC_SOURCE_DIR "/forms/election";
    std::ostringstream out;
    Status s = server::InitServer(o, out);
    INFO(s.message());
    REQUIRE(s.ok());
    Start();
  }
  ~TestServer() { Stop(); }

  void Start() {
    server::RuntimeOptions o;
    o.data_dir = data_;
    o.port = 0;
    o.threads = 2;
    auto rt = server::ServerRuntime::Start(o);
    INFO(rt.status().message());
    REQUIRE(rt.ok());
    rt_ = std::move(rt).value();
  }
  void Stop() {
    if (rt_) rt_->Stop();
    rt_.reset();
  }
  bool running() const { return rt_ != nullptr; }

  // `wardsync-server ARGS... --data DIR`, as the binary runs it.
  CliResult Cli(std::vector<std::string> args) {
    args.push_back("--data");
    args.push_back(data_);
    std::ostringstream out, err;
    CliResult r;
    r.code = server::ServerCli(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
  CliResult Ok(std::vector<std::string> args) {
    CliResult r = Cli(args);
    INFO("wardsync-server " << args[0] << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.code == 0);
    return r;
  }

  std::string EnrollCode(const std::string& ward, const std::string& role) {
    std::string code = Ok({"enroll", "--ward", ward, "--role", role}).out;
    while (!code.empty() && (code.back() == '\n' || code.back() == ' ')) code.pop_back();
    return code;
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(rt_->port()); }
  KvStore& store() { return rt_->ctx().store; }
  const std::string& data() const { return data_; }
  std::shared_ptr<const server::FormsSnapshot::Data> Forms() { return rt_->ctx().forms.Get(); }

  records::RecordState Record(const std::string& hex) {
    std::string raw;
    REQUIRE(changes_util::ParseRecordId(hex, &raw));
    records::RecordState r;
    REQUIRE(GetProto(store(), server::keys::Record(raw), &r).ok());
    return r;
  }

 private:
  TempDir dir_;
  std::string data_;
  std::unique_ptr<server::ServerRuntime> rt_;
};

// One enrolled ward device, its store open in this process.
class TestDevice {
 public:
  TestDevice(TestServer& server, const std::string& name, const std::string& ward, const std::string& role,
             const std::string& officer, const std::string& temp_base = "")
      : dir_(temp_base), data_(dir_.path() + "/" + name) {
    client::InitDeviceOptions o;
    o.data_dir = data_;
    o.server = server.address();
    o.code = server.EnrollCode(ward, role);
    o.officer = officer;
    std::ostringstream out;
    std::string forms_error;
    Status s = client::InitDevice(o, out, &forms_error);
    INFO(s.message() << " " << forms_error);
    REQUIRE(s.ok());
    REQUIRE(forms_error.empty());
    auto db = LevelDbStore::Open(client::ClientPaths(data_).db());
    REQUIRE(db.ok());
    db_ = std::move(db).value();
    store_ = std::make_unique<client::ClientStore>(*db_);
    env_ = std::make_unique<client::ClientEnv>(client::ClientPaths(data_), *store_, clock_);
  }

  // `wardsync ARGS... --data DIR`.
  CliResult Cli(std::vector<std::string> args) {
    args.push_back("--data");
    args.push_back(data_);
    std::ostringstream out, err;
    CliResult r;
    r.code = client::RunClientCommand(*env_, args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
  CliResult Ok(std::vector<std::string> args) {
    CliResult r = Cli(args);
    INFO("wardsync " << args[0] << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.code == 0);
    return r;
  }
  void Sync() { Ok({"sync", "--quiet"}); }
  // A new record; returns its id.
  std::string New(const std::string& form, const std::vector<std::string>& sets) {
    std::vector<std::string> args{"new", "--form", form};
    for (const auto& s : sets) {
      args.push_back("--set");
      args.push_back(s);
    }
    std::string id = Ok(args).out;
    while (!id.empty() && id.back() == '\n') id.pop_back();
    return id;
  }
  void Edit(const std::string& id, const std::vector<std::string>& sets) {
    std::vector<std::string> args{"edit", id};
    for (const auto& s : sets) {
      args.push_back("--set");
      args.push_back(s);
    }
    Ok(args);
  }
  records::RecordState Local(const std::string& hex) {
    std::string raw;
    REQUIRE(changes_util::ParseRecordId(hex, &raw));
    auto r = store_->LocalRecord(raw);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    return **r;
  }
  client::ClientStore& store() { return *store_; }
  client::ClientEnv& env() { return *env_; }
  const std::string& data() const { return data_; }

 private:
  TempDir dir_;
  std::string data_;
  SystemClock clock_;
  std::unique_ptr<LevelDbStore> db_;
  std::unique_ptr<client::ClientStore> store_;
  std::unique_ptr<client::ClientEnv> env_;
};

// A complete voter meeting as --set arguments.
inline std::vector<std::string> Meeting(int invited = 100, int attended = 80) {
  return {"candidate=qh-dv1-tran-thi-lan", std::string("place=") + test::kMeetingPlace, "meeting_date=2026-02-10", "invited=" + std::to_string(invited),
          "attended=" + std::to_string(attended)};
}

// Makes `change` the device's next change-set and queues it as the client
// would (unsigned: the push signs it), but without the client's form validation: what a device with an
// out-of-date or buggy form definition could send.
// hlc_ahead_ms: stamp it that far ahead of this machine's clock (the
// server clamps a stamp beyond its --max-clock-skew-s).
inline void Smuggle(TestDevice& d, changes::Change change, uint64_t hlc_ahead_ms = 0) {
  auto config = d.store().Config();
  REQUIRE(config.ok());
  auto state = d.store().State();
  REQUIRE(state.ok());
  SystemClock clock;
  HybridLogicalClock hlc(clock, state->hlc());
  changes::ChangeSetBody body;
  body.set_format(1);
  body.set_device_id(config->device_id());
  body.set_seq(state->last_seq() + 1);
  body.set_prev_hash(state->last_hash());
  body.set_hlc(hlc_ahead_ms ? HybridLogicalClock::Make(clock.NowMs() + hlc_ahead_ms, 0) : hlc.Now());
  body.set_officer(config->officer());
  body.set_key_epoch(state->key_epoch());
  *body.add_changes() = std::move(change);
  Status s = d.store().CommitChangeSet(changes_util::Unsigned(body), {}, clock.NowMs());
  INFO(s.message());
  REQUIRE(s.ok());
}

inline const records::Conflict* OpenOfKind(const records::RecordState& r, records::ConflictKind kind) {
  for (const auto& c : r.conflicts()) {
    if (c.open() && c.kind() == kind) return &c;
  }
  return nullptr;
}

inline const records::Conflict* OpenConflict(const records::RecordState& r, const std::string& field) {
  for (const auto& c : r.conflicts()) {
    if (c.open() && c.field() == field) return &c;
  }
  return nullptr;
}

}  // namespace review_test

// The real binaries for the kill and agent tests: a server process that can
// be SIGKILLed and restarted on its port with extra `run` options, and ward
// clients driven through `wardsync`. Records are captured in this process
// (fast: a few hundred per test) and stores are inspected in this process
// between runs - the LevelDB lock is free once the process is gone.
#pragma once
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "proto/store.pb.h"
#include "tests/support/json.h"
#include "tests/support/pack_values.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace wardsync::test {

inline const std::string kE2eWard = "phuong-dong-quang";

// WARDSYNC_SEED if set (to reproduce), else a fresh seed. Print it with INFO.
uint64_t E2eSeed();

class ServerProc {
 public:
  ServerProc();  // `wardsync-server init`
  ~ServerProc();
  // `run --listen 127.0.0.1:PORT ARGS`; the first start picks the port and
  // remembers the args, later starts reuse both. Returns once listening.
  void Start(std::vector<std::string> args = {});
  void Kill();  // SIGKILL, and reaped
  void Stop();  // SIGTERM; REQUIREs exit 0
  bool running() const { return proc_ != nullptr; }
  Process& process() { return *proc_; }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& data() const { return data_; }

  CommandResult Admin(std::vector<std::string> args);
  JsonValue AdminJson(std::vector<std::string> args);  // adds --json; REQUIREs exit 0
  std::string Enroll(const std::string& ward);
  uint64_t DeviceSeq(const std::string& device_id);     // `devices --json`

 private:
  TempDir dir_{"faults-e2e-server"};
  std::string data_;
  uint16_t port_ = 0;
  std::vector<std::string> args_;
  std::unique_ptr<Process> proc_;
};

class WardClient {
 public:
  WardClient(ServerProc& server, const std::string& ward);  // `wardsync init`
  const std::string& data() const { return data_; }
  const std::string& device_id() const { return device_id_; }
  std::vector<std::string> Args(std::vector<std::string> args) const;  // + --data DIR
  CommandResult Run(std::vector<std::string> args);
  JsonValue Json(std::vector<std::string> args);  // adds --json; REQUIREs exit 0

  // Captures n voter meetings here (no wardsync process may hold the
  // directory); their ids.
  std::vector<std::string> Capture(int n);
  // Rewrites the configured server HOST:PORT (e.g. to a proxy); same rule.
  void PointAt(const std::string& host_port);

  struct View {
    store::SyncState state;
    std::vector<uint64_t> outbox;
    std::set<std::string> srv, loc;  // record ids (hex) pulled / shown
  };
  View Inspect();

 private:
  TempDir dir_{"faults-e2e-client"};
  std::string data_;
  std::string device_id_;
  int captured_ = 0;
};

// Safe at any moment between runs: the client counts as acknowledged
// nothing the server lacks, and its outbox is exactly the rest.
void CheckClientSafe(ServerProc& server, WardClient& client);
// The server holds exactly `ids`, each created once (creates only: one
// change-set, one log entry, one record each), and `verify` passes.
void CheckServerHolds(ServerProc& server, const std::set<std::string>& ids);
// The client pulled every one of `ids`, has nothing pending, and its cursor
// is at the log head.
void CheckClientHolds(WardClient& client, const std::set<std::string>& ids);

}  // namespace wardsync::test

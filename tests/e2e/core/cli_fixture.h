// The two real binaries as processes, for end-to-end tests: a server data
// directory with `wardsync-server run` started and stopped by signal, and
// ward clients driven through `wardsync` commands.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/json.h"
#include "tests/support/pack_values.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace wardsync::test {

class ServerProcess {
 public:
  // `wardsync-server init` with the election pack (REQUIREs success).
  ServerProcess();
  // `init(data dir)` instead: another way to initialise (the offline CA).
  explicit ServerProcess(const std::function<void(const std::string& data)>& init);
  ~ServerProcess();

  // `run --listen 127.0.0.1:PORT` (0: the first start picks a free port,
  // later starts reuse it); returns once the "listening on" line is out.
  void Start(std::vector<std::string> extra_args = {});  // extra `run` flags
  // SIGTERM, and the exit code (the process must end within 10 s).
  int Stop(int sig = 15);
  bool running() const { return proc_ != nullptr; }
  Process& process() { return *proc_; }

  const std::string& data() const { return data_; }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // `wardsync-server ARGS --data DIR`.
  CommandResult Admin(std::vector<std::string> args);
  std::string Enroll(const std::string& ward, const std::string& role = "officer");
  // `records --json`, parsed.
  JsonValue Records();

 private:
  TempDir dir_{"e2e-server"};
  std::string data_;
  uint16_t port_ = 0;
  std::unique_ptr<Process> proc_;
};

class ClientProcess {
 public:
  // `wardsync init` against the running server (REQUIREs success).
  ClientProcess(ServerProcess& server, const std::string& ward, const std::string& role = "officer",
                const std::string& officer = "Nguyễn Văn An");
  const std::string& data() const { return data_; }

  // `wardsync ARGS --data DIR`.
  CommandResult Run(std::vector<std::string> args);
  // Runs with --json, REQUIREs exit 0, parses stdout.
  JsonValue Json(std::vector<std::string> args);
  // `sync`, REQUIREs exit 0.
  void Sync();
  // `new --form voter-meeting ...` (REQUIREs exit 0); the new id. `candidate`
  // is a value of the pack's `candidates` list (voter-meeting version 2).
  std::string NewMeeting(int invited = 120, int attended = 95, const std::string& candidate = "qh-dv1-tran-thi-lan");
  std::vector<std::string> Args(std::vector<std::string> args) const;

 private:
  TempDir dir_{"e2e-client"};
  std::string data_;
};

std::vector<std::string> MeetingSets(int invited, int attended, const std::string& candidate);

}  // namespace wardsync::test

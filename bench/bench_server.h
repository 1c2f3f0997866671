// The server under test. Normally a child process of the bench
// (`wardsync-bench --serve DIR`, which runs server::ServerRuntime on
// 127.0.0.1 port 0), so its CPU time and peak memory can be read from /proc
// apart from the clients'. Or an already running server (--server/--data).
//
// Devices are enrolled by writing their rows into the store of a server that
// is not running (the row RedeemEnrollCode would write): enrolling 2,000
// devices through one-time codes would cost minutes of synced writes and
// handshakes that are not what the benchmark measures.
#pragma once
#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "common/status.h"
#include "proto/forms.pb.h"
#include "proto/store.pb.h"

namespace wardsync::bench {

// What an enrolled device holds about its server: the pinned CA and the
// forms the first sync would have stored.
struct ServerFacts {
  std::string ca_pem;
  std::vector<wardsync::forms::FormDef> forms;
  wardsync::forms::WardList wards;
  std::vector<wardsync::forms::ChoiceListDef> choice_lists;  // voter-meeting 2 picks its candidate from one
  uint64_t forms_epoch = 0;
};

// server::InitServer with the form pack in forms_dir.
Status InitServerDir(const std::string& dir, const std::string& forms_dir);
// Reads the CA and the published forms of a stopped server's data dir.
Result<ServerFacts> ReadServerFacts(const std::string& dir);
// Writes device rows into a stopped server's store (one synced write).
Status WriteDeviceRows(const std::string& dir, const std::vector<wardsync::store::Device>& rows);

class BenchServer {
 public:
  // Starts `<this binary> --serve dir` with stderr to log_path and waits
  // (at most 30 s) for the port it listens on. cpu >= 0: the server runs
  // on that core only.
  static Result<std::unique_ptr<BenchServer>> Spawn(const std::string& dir, const std::string& log_path,
                                                    int cpu = -1);
  // A server started elsewhere; pid 0 when unknown (no CPU/memory figures).
  static std::unique_ptr<BenchServer> External(std::string host, uint16_t port, pid_t pid);
  ~BenchServer();

  std::string address() const { return host_ + ":" + std::to_string(port_); }
  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }
  bool measurable() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  ProcSample Sample() const;
  std::vector<double> ThreadCpu() const { return pid_ > 0 ? ThreadCpuSeconds(pid_) : std::vector<double>{}; }
  void ResetPeak() const;
  // SIGTERM and wait (SIGKILL after 15 s). Only for a spawned server.
  Status Stop();

 private:
  std::string host_ = "127.0.0.1";
  uint16_t port_ = 0;
  pid_t pid_ = 0;
  bool owned_ = false;
};

// A child process on core `cpu` (-1: any) running argv with stdout to a
// pipe: every line is passed to on_line as it comes. Returns the exit code.
Result<int> RunChild(const std::vector<std::string>& argv, int cpu,
                     const std::function<void(const std::string&)>& on_line);
// The path of a program beside this one (wardsync_loadgen).
Result<std::string> SiblingProgram(const std::string& name);

// The child side of Spawn: serves dir until SIGTERM, with every default
// limit and timeout. Returns the exit code.
int ServeMain(const std::string& dir);

}  // namespace wardsync::bench

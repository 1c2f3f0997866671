// The benchmark scenarios (see bench/README.md) and what they share: the
// options, the figures they record (one sample per run), and ServerSetup,
// which gives each run a server with the run's devices enrolled.
#pragma once
#include <sys/types.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bench/bench_device.h"
#include "bench/bench_server.h"
#include "common/status.h"

namespace wardsync::bench {

struct Options {
  bool quick = false;
  int runs = 3;
  uint64_t s1_records = 50'000;
  uint64_t s3_edits = 10;
  uint64_t s4_devices = 2'000;
  uint64_t s4_records = 20;
  std::string s4_rates = "25,50,75,100,150,200,250,300,400";  // open-loop steps, syncs/s
  double s4_step_s = 8;
  int s4_refine = 2;
  uint64_t s6_devices = 10'000;     // 0: no S6
  uint64_t s4_wards = 0;            // devices spread over this many wards (0: all)
  uint64_t s5_records = 10'000;
  std::set<std::string> only;    // empty: every scenario
  std::string forms_dir;
  std::string work_dir;          // temporary, removed at the end unless --keep
  // An external server (--server HOST:PORT --data DIR [--server-pid PID]).
  std::string ext_host;
  uint16_t ext_port = 0;
  std::string ext_data;
  pid_t ext_pid = 0;
  bool verbose = false;
  bool keep = false;             // keep run directories (server logs) for a look afterwards
  bool zstd = true;              // devices offer zstd frames (--no-zstd: not, to compare)

  bool Wants(const std::string& scenario) const {
    if (only.empty() || only.count(scenario) > 0) return true;
    return scenario == "S6" && only.count("S4") > 0;  // S6 runs with S4, or alone (--only S6)
  }
  bool external() const { return ext_port != 0; }
};

// Samples per figure, in the order figures were first recorded.
class Figures {
 public:
  void Add(const std::string& name, double v) {
    if (!samples_.count(name)) order_.push_back(name);
    samples_[name].push_back(v);
  }
  bool Has(const std::string& name) const { return samples_.count(name) > 0; }
  const std::vector<double>& Get(const std::string& name) const { return samples_.at(name); }
  const std::vector<std::string>& order() const { return order_; }
  void Note(std::string text) { notes_.push_back(std::move(text)); }
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  std::map<std::string, std::vector<double>> samples_;
  std::vector<std::string> order_;
  std::vector<std::string> notes_;
};

// One server data directory per scenario. Direct mode: a template made once
// with InitServer (election pack) and the devices' rows; every run starts a
// child server on a fresh copy, so each run begins from the same state.
// External mode: the running server; devices are enrolled through the
// control socket and one-time codes, new ones every run (the server keeps
// what earlier runs pushed).
class ServerSetup {
 public:
  static Result<std::unique_ptr<ServerSetup>> Create(const Options& o, const std::string& name);
  const ServerFacts& facts() const { return facts_; }
  // The ward ids of the election pack, in order.
  std::vector<std::string> Wards() const;
  // Devices of `group` for `run`, one per entry of `wards`. Direct mode:
  // made once and reused by every run (call before the first StartRun).
  Result<std::vector<Identity>> Devices(const std::string& group, const std::vector<std::string>& wards, int run);
  // The server on a fresh copy of the template; cpu >= 0 pins it to that core.
  Result<std::unique_ptr<BenchServer>> StartRun(int run, int cpu = -1);
  std::string RunDir(int run) const { return work_ + "/run" + std::to_string(run); }

 private:
  ServerSetup() = default;
  const Options* o_ = nullptr;
  std::string work_;        // o.work_dir/name
  std::string template_;    // direct mode: the server template
  ServerFacts facts_;
  std::map<std::string, std::vector<Identity>> made_;
  bool started_ = false;
};

Status RunS1S2(const Options& o, Figures& fig);
Status RunS3(const Options& o, Figures& fig);
Status RunS4(const Options& o, Figures& fig);
Status RunS5(const Options& o, Figures& fig);

// Removes a run's directory unless --keep.
void Cleanup(const Options& o, const std::string& path);

// CPU seconds of this whole process: the client's io thread, its pull
// writer (client/sync/pull_writer.h) and its store's compaction thread
// (the server is another process). S1/S2's client CPU.
double ProcessCpuSeconds();

}  // namespace wardsync::bench

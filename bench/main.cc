// wardsync-bench: the benchmark of the real sync path (see bench/README.md).
// Starts a real server (a child process running server::ServerRuntime on
// 127.0.0.1) and drives the real client library over real TLS.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cctype>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "bench/report.h"
#include "bench/scenarios.h"
#include "common/cli/args.h"
#include "common/net/framed_stream.h"
#include "common/util/files.h"

#ifndef WARDSYNC_SOURCE_DIR
#define WARDSYNC_SOURCE_DIR "."
#endif

namespace wardsync::bench {
namespace {

constexpr const char* kHelp = R"(usage: wardsync-bench [options]

Benchmarks the real sync path: a real server (a child process running
ServerRuntime on 127.0.0.1, port 0, in a temporary directory made with the
election form pack) and the real client library over real TLS.

  S1  backlog push: one device pushes N records captured offline
  S2  first pull: a fresh device of the same ward pulls them
  S3  small sync: 10 edits, push + pull; fresh TLS, then a resumed session
  S4  fleet: D devices over the 32 wards, R records per sync, played by
      wardsync_loadgen: the highest open-loop rate with p99 <= 250 ms and
      no failure, then all D at once (burst)
  S6  (with S4) server memory with N idle authenticated devices connected
  S5  local capture: N durable Capture::New on disk

Each figure is the median of --runs runs (min and max shown). Prints a
table and one met/missed line per target; full mode writes
bench/results/latest.json.

options:
  --quick               small sizes, for a regression guard (< 1 minute)
  --runs N              runs per scenario (default 3)
  --only S1,S3,...      run only these scenarios (S2 needs S1's push, so runs it;
                        S4 runs S6 too, --only S6 runs S6 alone)
  --s1-records N        S1/S2 backlog size (default 50000; quick 2000)
  --s4-devices N        S4 devices (default 2000; quick 64)
  --s4-records N        S4 records per sync (default 20; quick 5)
  --s4-rates R1,R2,...  S4 arrival rates to step through, syncs/s
                        (default 25,50,75,100,150,200,250,300,400; quick 10,20)
  --s4-step-s S         seconds of arrivals per rate (default 8; quick 2)
  --s4-wards N          spread S4's devices over the first N wards only (default:
                        all 32; fewer wards, more devices per ward, bigger pulls)
  --s6-devices N        idle connected devices for S6 (default 10000; quick 256;
                        0: no S6)
  --s5-records N        S5 captures (default 10000; quick 300)
  --forms DIR           form pack (default: the election pack of the source tree)
  --out PATH            write the JSON here (default: a complete full run
                        writes bench/results/latest.json of the source tree;
                        --quick and --only write nothing unless asked)
  --json                print the JSON document instead of the table
  --server HOST:PORT    benchmark a running server instead of starting one
  --data DIR            its data directory (devices are enrolled through its control socket)
  --server-pid PID      its process, for CPU and memory figures
  --keep                keep the temporary directory
  --verbose             progress of each run on stderr
  --no-zstd             devices do not offer zstd compression (to compare;
                        such a run never writes latest.json unless --out)
  -h, --help            this text
)";

std::string NowIso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<uint64_t> Count(const cli::Args& a, const std::string& name, uint64_t dflt) {
  auto v = a.Get(name);
  if (!v) return dflt;
  char* end = nullptr;
  // strtoull would take "-3" as 2^64 - 3.
  unsigned long long n = v->empty() || !std::isdigit(static_cast<unsigned char>((*v)[0]))
                             ? 0
                             : std::strtoull(v->c_str(), &end, 10);
  if (end == nullptr || *end || n == 0) return Status::Invalid("--" + name + " needs a positive whole number");
  return static_cast<uint64_t>(n);
}

Status ParseOptions(const cli::Args& a, Options* o) {
  o->quick = a.Flag("quick");
  o->verbose = a.Flag("verbose");
  o->keep = a.Flag("keep");
  o->zstd = !a.Flag("no-zstd");
  auto runs = Count(a, "runs", 3);
  if (!runs.ok()) return runs.status();
  o->runs = static_cast<int>(*runs);
  auto s1 = Count(a, "s1-records", o->quick ? 2'000 : 50'000);
  auto s4d = Count(a, "s4-devices", o->quick ? 64 : 2'000);
  auto s4r = Count(a, "s4-records", o->quick ? 5 : 20);
  auto s5 = Count(a, "s5-records", o->quick ? 300 : 10'000);
  auto s6 = a.Get("s6-devices") == std::optional<std::string>("0") ? Result<uint64_t>(uint64_t{0})
                                                                    : Count(a, "s6-devices", o->quick ? 256 : 10'000);
  auto wards = Count(a, "s4-wards", 32);
  auto step_s = Count(a, "s4-step-s", o->quick ? 2 : 8);
  for (auto* r : {&s1, &s4d, &s4r, &s5, &s6, &step_s, &wards}) {
    if (!r->ok()) return r->status();
  }
  o->s1_records = *s1;
  o->s4_devices = *s4d;
  o->s4_records = *s4r;
  o->s5_records = *s5;
  o->s6_devices = *s6;
  o->s4_wards = *wards;
  o->s4_step_s = static_cast<double>(*step_s);
  o->s4_rates = a.Get("s4-rates").value_or(o->quick ? "10,20" : o->s4_rates);
  if (o->quick) o->s4_refine = 0;
  if (auto only = a.Get("only")) {
    std::stringstream ss(*only);
    std::string item;
    while (std::getline(ss, item, ',')) {
      for (auto& c : item) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (item != "S1" && item != "S2" && item != "S3" && item != "S4" && item != "S5" && item != "S6") {
        return Status::Invalid("--only: unknown scenario " + item + " (S1..S6)");
      }
      o->only.insert(item);
    }
  }
  o->forms_dir = a.Get("forms").value_or(std::string(WARDSYNC_SOURCE_DIR) + "/forms/election");
  if (auto server = a.Get("server")) {
    auto hp = net::ParseHostPort(*server);
    if (!hp.ok()) return Status::Invalid("--server: " + hp.status().message());
    o->ext_host = hp->first;
    o->ext_port = hp->second;
    auto data = a.Get("data");
    if (!data) return Status::Invalid("--server needs --data DIR (the server's data directory, to enroll devices)");
    o->ext_data = *data;
    if (auto pid = a.Get("server-pid")) o->ext_pid = static_cast<pid_t>(std::strtol(pid->c_str(), nullptr, 10));
  } else if (a.Get("data") || a.Get("server-pid")) {
    return Status::Invalid("--data and --server-pid go with --server");
  }
  return Status::Ok();
}

// Room for S6's 10,000 connections in the server (children inherit the
// limit; the load generator raises its own).
void RaiseFileLimit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // The child server: --serve DIR (see bench_server.h).
  if (args.size() == 2 && args[0] == "--serve") return ServeMain(args[1]);
  cli::ArgSpec spec{{"runs", "only", "s1-records", "s4-devices", "s4-records", "s4-rates", "s4-step-s", "s4-wards",
                     "s5-records", "s6-devices", "forms", "out", "server", "data", "server-pid"},
                    {"quick", "json", "keep", "verbose", "help", "no-zstd"}};
  auto parsed = cli::Args::Parse(args, spec);
  if (!parsed.ok()) {
    std::cerr << "error: " << parsed.status().message() << " (see --help)\n";
    return 2;
  }
  if (parsed->Flag("help")) {
    std::cout << kHelp;
    return 0;
  }
  if (!parsed->positional().empty()) {
    std::cerr << "error: unexpected argument " << parsed->positional()[0] << " (see --help)\n";
    return 2;
  }
  Options o;
  Status st = ParseOptions(*parsed, &o);
  if (!st.ok()) {
    std::cerr << "error: " << st.message() << "\n";
    return 2;
  }
  SetDeviceCompression(o.zstd);
  signal(SIGPIPE, SIG_IGN);
  RaiseFileLimit();
  auto work = MakeTempDir(o.quick ? "quick" : "full");
  if (!work.ok()) {
    std::cerr << "error: " << work.status().message() << "\n";
    return 1;
  }
  o.work_dir = *work;

  RunInfo info;
  info.mode = o.quick ? "quick" : "full";
  info.commit = GitCommit(WARDSYNC_SOURCE_DIR);
  info.cpu = CpuModel();
  info.nproc = std::thread::hardware_concurrency();
  info.started = NowIso();
  info.load_before = LoadAverage();
  const auto t0 = std::chrono::steady_clock::now();
  Figures fig;
  struct Step {
    const char* what;
    Status (*fn)(const Options&, Figures&);
    bool wanted;
  };
  const Step steps[] = {{"S1 backlog push / S2 first pull", RunS1S2, o.Wants("S1") || o.Wants("S2")},
                        {"S3 small sync", RunS3, o.Wants("S3")},
                        {"S4 fleet / S6 idle connections", RunS4, o.Wants("S4") || o.Wants("S6")},
                        {"S5 local capture", RunS5, o.Wants("S5")}};
  int rc = 0;
  for (const auto& step : steps) {
    if (!step.wanted) continue;
    const auto ts = std::chrono::steady_clock::now();
    std::cerr << "==> " << step.what << " (" << o.runs << " runs)\n";
    Status s = step.fn(o, fig);
    if (!s.ok()) {
      std::cerr << "error: " << step.what << ": " << s.message() << "\n";
      fig.Note(std::string(step.what) + " failed: " + s.message());
      rc = 1;
    }
    std::cerr << "    " << SecondsSince(ts) << " s\n";
  }
  info.total_s = SecondsSince(t0);
  info.load_after = LoadAverage();
  if (!parsed->Flag("keep")) (void)RemoveTree(o.work_dir);
  else std::cerr << "kept " << o.work_dir << "\n";

  const std::string json = ResultsJson(o, info, fig);
  // Only a complete full run replaces the published results.
  const bool complete = !o.quick && o.only.empty() && o.zstd && rc == 0;
  std::string out_path = parsed->Get("out").value_or(
      complete ? std::string(WARDSYNC_SOURCE_DIR) + "/bench/results/latest.json" : std::string());
  if (!out_path.empty()) {
    const auto slash = out_path.rfind('/');
    if (slash != std::string::npos && slash > 0) (void)util::MakeDirs(out_path.substr(0, slash), 0755);
    Status w = util::WriteFileAtomic(out_path, json, 0644);
    if (!w.ok()) {
      std::cerr << "error: cannot write " << out_path << ": " << w.message() << "\n";
      rc = 1;
    }
  }
  if (parsed->Flag("json")) {
    std::cout << json;
  } else {
    std::cout << "wardsync-bench " << info.mode << ", " << o.runs << " runs, " << info.nproc << " x " << info.cpu
              << ", commit " << info.commit.substr(0, 12) << ", " << Grouped(info.total_s) << " s, load average "
              << info.load_before << " -> " << info.load_after << "\n\n";
    PrintTable(o, fig, std::cout);
    std::cout << "\n";
    PrintTargets(fig, std::cout);
    if (o.quick) std::cout << "(quick sizes: a regression guard; the targets apply to the full run, scripts/bench)\n";
    if (!out_path.empty()) std::cout << "\nwrote " << out_path << "\n";
  }
  return rc;
}

}  // namespace
}  // namespace wardsync::bench

int main(int argc, char** argv) { return wardsync::bench::Main(argc, argv); }

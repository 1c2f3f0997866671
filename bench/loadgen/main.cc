// wardsync_loadgen: the load generator of S4 and S6 (bench/README.md).
// Thousands of simulated devices multiplexed on one Asio thread, against a
// running server, started by wardsync-bench (which enrolls the devices and
// writes the fleet file). Prints "step ..." lines and "figure NAME VALUE"
// lines on stdout, progress on stderr.
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include <openssl/ssl.h>

#include "bench/bench_util.h"
#include "bench/loadgen/load_modes.h"
#include "common/cli/args.h"
#include "common/net/framed_stream.h"
#include "common/net/tls_context.h"
#include "common/util/files.h"

namespace wardsync::bench {
namespace {

constexpr const char* kHelp = R"(usage: wardsync_loadgen --fleet FILE [options]

The load generator of S4 and S6 (bench/README.md): simulated devices, all
on one Asio thread, each with its own 127.10.x.y source address, against the
server named in the fleet file (written by wardsync-bench, which enrolls the
devices). Change-sets are built and signed before each timed phase; devices
resume their TLS sessions; arrivals are open loop.

  --fleet FILE           the fleet file (devices, keys, CA, server address)
  --devices N            devices to simulate (default: all in the file)
  --records N            records pushed per sync (default 20)
  --server-pid PID       the server process: its CPU and peak RSS (VmHWM,
                         reset before each phase) are read from /proc
  --cpu N                pin this process to core N
  --warmup               every device syncs once first (not timed; see README);
                         with --steps or --burst it pushes its first records
  --warmup-concurrency N devices syncing at once during the warm-up (default 32)
  --steps R1,R2,...      open-loop Poisson arrivals at each rate (syncs/s) in
                         turn, stopping at the first that fails the target;
                         then --refine bisections between the last pass and it
  --step-s S             seconds of arrivals per step (default 8)
  --refine N             bisections after the ladder (default 2)
  --p99-ms MS            the target: p99 sync time at most MS, no failure (default 250)
  --burst                every device starts one sync at the same instant
  --idle                 every device connects, authenticates and stays idle;
                         the server's RSS is read with all of them connected
  --idle-concurrency N   handshakes in flight while connecting (default 128)
  --settle-s S           idle: wait before reading the server (default 2)
  -h, --help             this text

Output: "step rate=..." per step and "figure NAME VALUE" lines on stdout.
)";

Result<double> Number(const cli::Args& a, const std::string& name, double dflt) {
  auto v = a.Get(name);
  if (!v) return dflt;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  if (end == v->c_str() || *end || d < 0) return Status::Invalid("--" + name + " needs a number >= 0");
  return d;
}

void Figure(const std::string& name, double v) { std::printf("figure %s %.3f\n", name.c_str(), v); }

void RaiseFileLimit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

bool Passes(const PhaseResult& r, double p99_ms) {
  return r.failures == 0 && r.syncs > 0 && r.latency_ms.size() == r.syncs && Percentile(r.latency_ms, 99) <= p99_ms;
}

// One line per timed phase: "step rate=R ... pass|FAIL" or "burst ...".
void PrintPhase(const std::string& head, const PhaseResult& r, const char* verdict) {
  const double n = std::max<double>(1, static_cast<double>(r.latency_ms.size()));
  std::printf("%s syncs=%zu p50_ms=%.1f p99_ms=%.1f max_ms=%.1f failures=%llu pulled_per_sync=%.0f "
              "server_cpu_ms_per_sync=%.2f server_cpu_s=%.2f loadgen_cpu_s=%.2f resumed=%llu max_lag_ms=%.1f "
              "wall_s=%.2f drain_s=%.2f %s\n",
              head.c_str(), r.syncs, Percentile(r.latency_ms, 50), Percentile(r.latency_ms, 99), Percentile(r.latency_ms, 100),
              static_cast<unsigned long long>(r.failures), static_cast<double>(r.pulled) / n,
              r.syncs ? r.server_cpu_s * 1000 / static_cast<double>(r.syncs) : 0.0, r.server_cpu_s, r.loadgen_cpu_s,
              static_cast<unsigned long long>(r.resumed), r.max_lag_ms, r.wall_s, r.drain_s, verdict);
  if (!r.first_error.empty()) std::printf("%s first failure: %s\n", head.c_str(), r.first_error.c_str());
  std::fflush(stdout);
}

Status RunSteps(LoadGen& g, const cli::Args& a, double p99_ms) {
  std::vector<double> rates;
  std::stringstream ss(*a.Get("steps"));
  for (std::string item; std::getline(ss, item, ',');) {
    const double r = std::strtod(item.c_str(), nullptr);
    if (r <= 0) return Status::Invalid("--steps: " + item + " is not a rate");
    rates.push_back(r);
  }
  auto step_s = Number(a, "step-s", 8);
  auto refine = Number(a, "refine", 2);
  if (!step_s.ok()) return step_s.status();
  if (!refine.ok()) return refine.status();
  uint64_t seed = 1;
  double best = 0, fail = 0;
  PhaseResult at_best, first;
  bool have_first = false;
  auto step = [&](double rate) {
    PhaseResult r = g.Step(rate, *step_s, seed++);
    const bool pass = Passes(r, p99_ms);
    PrintPhase("step rate=" + std::to_string(static_cast<int>(rate)), r, pass ? "pass" : "FAIL");
    if (!have_first) {
      first = r;
      have_first = true;
    }
    if (pass && rate > best) {
      best = rate;
      at_best = r;
    }
    if (!pass && (fail == 0 || rate < fail)) fail = rate;
    return pass;
  };
  for (double r : rates) {
    if (!step(r)) break;
  }
  for (int i = 0; i < static_cast<int>(*refine) && fail > 0; ++i) {
    const double mid = std::round((best + fail) / 2 / 5) * 5;  // steps of 5/s
    if (mid <= best || mid >= fail) break;
    step(mid);
  }
  const PhaseResult& shown = best > 0 ? at_best : first;
  const double n = std::max<double>(1, static_cast<double>(shown.latency_ms.size()));
  Figure("s4_sustained_syncs_per_s", best);
  Figure("s4_p50_ms", Percentile(shown.latency_ms, 50));
  Figure("s4_p99_ms", Percentile(shown.latency_ms, 99));
  Figure("s4_max_ms", Percentile(shown.latency_ms, 100));
  Figure("s4_failures", static_cast<double>(shown.failures));
  Figure("s4_pulled_per_sync", static_cast<double>(shown.pulled) / n);
  if (shown.syncs) Figure("s4_server_cpu_ms_per_sync", shown.server_cpu_s * 1000 / static_cast<double>(shown.syncs));
  Figure("s4_loadgen_cpu_s", shown.loadgen_cpu_s);
  Figure("s4_first_failing_rate", fail);
  return Status::Ok();
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  cli::ArgSpec spec{{"fleet", "devices", "records", "server-pid", "cpu", "warmup-concurrency", "steps", "step-s",
                     "refine", "p99-ms", "idle-concurrency", "settle-s"},
                    {"warmup", "burst", "idle", "help"}};
  auto a = cli::Args::Parse(args, spec);
  if (!a.ok()) {
    std::cerr << "error: " << a.status().message() << " (see --help)\n";
    return 2;
  }
  if (a->Flag("help")) {
    std::cout << kHelp;
    return 0;
  }
  auto fleet_path = a->Require("fleet");
  if (!fleet_path.ok() || !a->positional().empty()) {
    std::cerr << "error: " << (fleet_path.ok() ? "unexpected argument " + a->positional()[0] : fleet_path.status().message())
              << " (see --help)\n";
    return 2;
  }
  auto devices = Number(*a, "devices", 1e9);
  auto records = Number(*a, "records", 20);
  auto pid = Number(*a, "server-pid", 0);
  auto warm_c = Number(*a, "warmup-concurrency", 32);
  auto idle_c = Number(*a, "idle-concurrency", 128);
  auto settle = Number(*a, "settle-s", 2);
  auto p99 = Number(*a, "p99-ms", 250);
  for (auto* r : {&devices, &records, &pid, &warm_c, &idle_c, &settle, &p99}) {
    if (!r->ok()) {
      std::cerr << "error: " << r->status().message() << "\n";
      return 2;
    }
  }
  if (auto cpu = a->Get("cpu")) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(std::atoi(cpu->c_str()), &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) std::cerr << "loadgen: cannot pin to core " << *cpu << "\n";
  }
  signal(SIGPIPE, SIG_IGN);
  RaiseFileLimit();

  auto fleet = ReadFleetFile(*fleet_path);
  if (!fleet.ok()) {
    std::cerr << "error: " << fleet.status().message() << "\n";
    return 1;
  }
  std::string ca;
  auto hp = net::ParseHostPort(fleet->server);
  Status st = util::ReadFile(fleet->ca_path, &ca);
  if (st.ok() && !hp.ok()) st = hp.status();
  LoadContext lc;
  if (st.ok()) {
    auto ctx = net::MakeClientTlsContext(ca);
    if (!ctx.ok()) st = ctx.status();
    else lc.tls = *ctx;
  }
  std::error_code ec;
  const auto addr = st.ok() ? asio::ip::make_address(hp->first, ec) : asio::ip::address();
  if (st.ok() && ec) st = Status::Invalid("server address " + hp->first + ": " + ec.message());
  if (!st.ok()) {
    std::cerr << "error: " << st.message() << "\n";
    return 1;
  }
  // Thousands of connections: OpenSSL's record buffers only while in use.
  SSL_CTX_set_mode(lc.tls->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  lc.server = asio::ip::tcp::endpoint(addr, hp->second);
  lc.forms_epoch = fleet->forms_epoch;
  LoadGen g(std::move(fleet).value(), lc, static_cast<pid_t>(*pid), static_cast<size_t>(*devices),
            static_cast<size_t>(*records));

  const auto t0 = std::chrono::steady_clock::now();
  if (a->Flag("warmup")) {
    Status w = g.Warmup(static_cast<size_t>(*warm_c), a->Get("steps") || a->Flag("burst"));
    if (!w.ok()) {
      std::cerr << "error: warm-up: " << w.message() << "\n";
      return 1;
    }
    std::cerr << "  loadgen: warm-up " << SecondsSince(t0) << " s\n";
  }
  if (a->Get("steps")) {
    Status s = RunSteps(g, *a, *p99);
    if (!s.ok()) {
      std::cerr << "error: " << s.message() << "\n";
      return 2;
    }
  }
  if (a->Flag("burst")) {
    PhaseResult r = g.Burst();
    PrintPhase("burst", r, "");
    const double pushed = static_cast<double>(r.syncs) * *records;
    // The keys of the earlier all-at-once S4, kept for comparison.
    Figure("s4_records_per_s", r.drain_s > 0 ? pushed / r.drain_s : 0);
    Figure("s4_wall_s", r.drain_s);
    Figure("s4_pulled_records", static_cast<double>(r.pulled));
    Figure("s4_server_cpu_s", r.server_cpu_s);
    Figure("s4_client_cpu_s", r.loadgen_cpu_s);
    Figure("s4_burst_devices", static_cast<double>(r.syncs));
    Figure("s4_burst_failures", static_cast<double>(r.failures));
    Figure("s4_burst_drain_s", r.drain_s);
    Figure("s4_burst_p50_ms", Percentile(r.latency_ms, 50));
    Figure("s4_burst_p99_ms", Percentile(r.latency_ms, 99));
    Figure("s4_server_rss_mb", r.server_peak_rss_mb);
  }
  if (a->Flag("idle")) {
    IdleResult r = g.Idle(static_cast<size_t>(*idle_c), *settle);
    std::printf("idle devices=%zu authenticated=%zu failures=%llu connect_s=%.2f server_cpu_s=%.2f "
                "loadgen_cpu_s=%.2f server_rss_mb=%.1f server_peak_rss_mb=%.1f\n",
                r.devices, r.authenticated, static_cast<unsigned long long>(r.failures), r.connect_s, r.server_cpu_s,
                r.loadgen_cpu_s, r.server_rss_mb, r.server_peak_rss_mb);
    if (!r.first_error.empty()) std::printf("idle first failure: %s\n", r.first_error.c_str());
    Figure("s6_devices", static_cast<double>(r.devices));
    Figure("s6_failures", static_cast<double>(r.failures));
    Figure("s6_connect_s", r.connect_s);
    Figure("s6_server_cpu_s", r.server_cpu_s);
    Figure("s6_loadgen_cpu_s", r.loadgen_cpu_s);
    Figure("s6_rss_mb", r.server_peak_rss_mb);
    Figure("s6_rss_now_mb", r.server_rss_mb);
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace wardsync::bench

int main(int argc, char** argv) { return wardsync::bench::Main(argc, argv); }

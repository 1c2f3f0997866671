// S4 fleet: D devices spread over the 32 wards, each holding R records
// captured offline, all start one sync at the same instant (one thread per
// device, released together): connect, TLS, hello, push R change-sets,
// pull what its ward has by then. Latency is per device, from its release
// to RunSync's return. A sync that fails or leaves anything unacknowledged
// is a failure.
//
// The simulated devices keep their stores in memory (leveldb::NewMemEnv):
// on real hardware each has its own disk, and 2,000 devices' fsyncs on the
// bench machine's one disk would measure that disk, not the server. Their
// CPU (TLS, signing, parsing and storing what they pull) does run on the
// same 2 cores as the server, which makes the figures pessimistic for the
// server. With 2,000 runnable device threads the scheduler gets round to
// each only every few seconds, so a device's half of a TLS handshake can
// take longer than 10 s: that is the bench starving itself, not the server.
// So the devices wait up to 120 s for connect, handshake and each read, and
// the server's handshake limit is 120 s too (its default is 10 s). A device
// the server refuses or drops, or a sync that leaves anything
// unacknowledged, still counts as a failure.
#include <atomic>
#include <iostream>
#include <latch>
#include <thread>

#include <leveldb/env.h>

#include "bench/scenarios.h"

namespace wardsync::bench {

namespace {

constexpr uint64_t kPatienceMs = 120'000;

struct Sim {
  std::unique_ptr<leveldb::Env> env;
  std::unique_ptr<BenchDevice> dev;
  double latency_ms = 0;
  uint64_t pulled = 0;
  Status status;
};

// Runs fn(i) for i in [0, n) on every core.
template <typename F>
Status Parallel(size_t n, const F& fn) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first;
  std::vector<std::thread> workers;
  const unsigned k = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned w = 0; w < k; ++w) {
    workers.emplace_back([&] {
      for (size_t i; (i = next++) < n;) {
        Status s = fn(i);
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first.ok()) first = s;
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  return first;
}

}  // namespace

Status RunS4(const Options& o, Figures& fig) {
  if (!o.Wants("S4")) return Status::Ok();
  auto setup = ServerSetup::Create(o, "s4");
  if (!setup.ok()) return setup.status();
  ServerSetup& S = **setup;
  const auto all_wards = S.Wards();
  std::vector<std::string> wards;
  for (uint64_t i = 0; i < o.s4_devices; ++i) wards.push_back(all_wards[i % all_wards.size()]);

  for (int run = 0; run < o.runs; ++run) {
    auto who = S.Devices("s4", wards, run);
    if (!who.ok()) return who.status();
    auto server = S.StartRun(run, kPatienceMs);
    if (!server.ok()) return server.status();
    const std::string address = (*server)->address();

    // Prepare: every device enrolled, forms held, R records in its outbox.
    std::vector<Sim> sims(o.s4_devices);
    const auto tp = std::chrono::steady_clock::now();
    WS_RETURN_IF_ERROR(Parallel(sims.size(), [&](size_t i) -> Status {
      Sim& s = sims[i];
      s.env = NewMemoryEnv();
      auto dev = BenchDevice::Open((*who)[i], "/fleet/" + std::to_string(i), s.env.get());
      if (!dev.ok()) return dev.status();
      s.dev = std::move(dev).value();
      WS_RETURN_IF_ERROR(s.dev->Configure(S.facts(), address));
      for (uint64_t r = 0; r < o.s4_records; ++r) {
        auto id = s.dev->NewVoterMeeting(i * o.s4_records + r);
        if (!id.ok()) return id.status();
      }
      return Status::Ok();
    }));
    if (o.verbose) std::cerr << "  S4: " << sims.size() << " devices prepared in " << SecondsSince(tp) << " s\n";

    std::latch go(1);
    std::vector<std::thread> threads;
    threads.reserve(sims.size());
    for (auto& sim : sims) {
      Sim* s = &sim;
      threads.emplace_back([s, &go] {
        go.wait();
        const auto t0 = std::chrono::steady_clock::now();
        client::SyncOptions opt;
        opt.connect_timeout = std::chrono::milliseconds(kPatienceMs);
        opt.io_timeout = std::chrono::milliseconds(kPatienceMs);
        auto r = s->dev->Sync(opt);
        s->latency_ms = SecondsSince(t0) * 1000;
        if (!r.ok()) {
          s->status = r.status();
        } else if (r->pending_after != 0) {
          s->status = Status::Internal(std::to_string(r->pending_after) + " change-sets left unacknowledged");
        } else {
          s->pulled = r->progress.pulled;
        }
        s->dev.reset();  // frees the in-memory store before the next device finishes
        s->env.reset();
      });
    }
    (*server)->ResetPeak();
    const ProcSample srv0 = (*server)->Sample();
    const ProcSample self0 = SampleProcess(0);
    const auto t0 = std::chrono::steady_clock::now();
    go.count_down();
    for (auto& t : threads) t.join();
    const double wall = SecondsSince(t0);
    const ProcSample srv1 = (*server)->Sample();
    const ProcSample self1 = SampleProcess(0);

    std::vector<double> lat;
    uint64_t failures = 0, pulled = 0;
    std::string first_error;
    for (const auto& s : sims) {
      lat.push_back(s.latency_ms);
      pulled += s.pulled;
      if (!s.status.ok()) {
        ++failures;
        if (first_error.empty()) first_error = s.status.message();
      }
    }
    if (failures) fig.Note("S4 run " + std::to_string(run + 1) + ": " + std::to_string(failures) +
                           " failed syncs, e.g. " + first_error);
    fig.Add("s4_records_per_s", static_cast<double>(o.s4_devices * o.s4_records) / wall);
    fig.Add("s4_wall_s", wall);
    fig.Add("s4_p50_ms", Percentile(lat, 50));
    fig.Add("s4_p99_ms", Percentile(lat, 99));
    fig.Add("s4_max_ms", Percentile(lat, 100));
    fig.Add("s4_failures", static_cast<double>(failures));
    fig.Add("s4_pulled_records", static_cast<double>(pulled));
    fig.Add("s4_client_cpu_s", self1.cpu_s - self0.cpu_s);
    fig.Add("s4_client_cpu_ms_per_sync", (self1.cpu_s - self0.cpu_s) * 1000 / static_cast<double>(o.s4_devices));
    if ((*server)->measurable()) {
      const double server_cpu = srv1.cpu_s - srv0.cpu_s;
      fig.Add("s4_server_cpu_s", server_cpu);
      fig.Add("s4_server_cpu_ms_per_sync", server_cpu * 1000 / static_cast<double>(o.s4_devices));
      fig.Add("s4_server_rss_mb", srv1.peak_rss_mb);
    }
    if (o.verbose) {
      std::cerr << "  S4: " << sims.size() << " syncs in " << wall << " s, p50 " << Percentile(lat, 50) << " ms, p99 "
                << Percentile(lat, 99) << " ms, failures " << failures << ", pulled " << pulled << "\n";
    }
    WS_RETURN_IF_ERROR((*server)->Stop());
    Cleanup(o, S.RunDir(run));
  }
  return Status::Ok();
}

}  // namespace wardsync::bench

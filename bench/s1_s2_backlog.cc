// S1 backlog push and S2 first pull.
//
// S1: one device holds N voter-meeting records captured offline (N
// change-sets in its outbox) and runs one sync. The figure is the push:
// from the start of the round (connect) to the moment the last
// acknowledgement is stored on the device. The round then goes on to pull
// the ward - the device's own records come back as the server's view - and
// that full round is reported too (s1_round_s).
// S2: a fresh device of the same ward (enrolled, forms held, nothing
// pulled) runs one sync and pulls the N records.
//
// The backlog is captured once per bench invocation (Capture::New, with
// fsync skipped while preparing; see bench_device.h) and copied for every
// run, so each run pushes the same signed change-sets to a fresh server.
#include <iostream>

#include "bench/scenarios.h"
#include "common/util/files.h"

namespace wardsync::bench {

namespace {

// Captures n records into a new store at dir (prepare only: no fsync).
Status PrepareBacklog(const Identity& who, const ServerFacts& facts, const std::string& dir, uint64_t n) {
  auto dev = BenchDevice::Open(who, dir, NoSyncEnv());
  if (!dev.ok()) return dev.status();
  WS_RETURN_IF_ERROR((*dev)->Configure(facts, "127.0.0.1:1"));
  for (uint64_t i = 0; i < n; ++i) {
    auto id = (*dev)->NewVoterMeeting(i);
    if (!id.ok()) return id.status();
  }
  return Status::Ok();
}

Status PrepareFresh(const Identity& who, const ServerFacts& facts, const std::string& dir) {
  auto dev = BenchDevice::Open(who, dir, NoSyncEnv());
  if (!dev.ok()) return dev.status();
  return (*dev)->Configure(facts, "127.0.0.1:1");
}

Status PushRun(const Options& o, BenchServer& server, const Identity& who, const std::string& dir, Figures& fig) {
  auto dev = BenchDevice::Open(who, dir);
  if (!dev.ok()) return dev.status();
  WS_RETURN_IF_ERROR((*dev)->PointAt(server.address()));
  auto pending = (*dev)->store().PendingCount();
  if (!pending.ok()) return pending.status();

  server.ResetPeak();
  ResetPeakRss(0);
  const ProcSample srv0 = server.Sample();
  const std::vector<double> threads0 = server.ThreadCpu();
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  bool pushed = false;
  double push_s = 0, push_cpu = 0;
  ProcSample srv_push, cli_push;
  std::vector<double> threads_push;
  client::SyncOptions opt;
  // Runs on this thread inside RunSync, after each stored ack / pulled page.
  opt.on_progress = [&](const client::SyncProgress& p) {
    if (pushed || p.pushed < p.to_push) return;
    pushed = true;
    push_s = SecondsSince(t0);
    push_cpu = ProcessCpuSeconds() - cpu0;
    srv_push = server.Sample();
    threads_push = server.ThreadCpu();
    cli_push = SampleProcess(0);
  };
  auto report = (*dev)->Sync(opt);
  const double round_s = SecondsSince(t0);
  if (!report.ok()) return Status(report.status().code(), "S1 sync failed: " + report.status().message());
  if (report->progress.pushed != *pending || report->pending_after != 0) {
    return Status::Internal("S1: pushed " + std::to_string(report->progress.pushed) + " of " +
                            std::to_string(*pending));
  }
  fig.Add("s1_records_per_s", static_cast<double>(*pending) / push_s);
  fig.Add("s1_push_s", push_s);
  fig.Add("s1_round_s", round_s);
  fig.Add("s1_round_trips", static_cast<double>(report->round_trips));
  fig.Add("s1_client_cpu_s", push_cpu);
  fig.Add("s1_client_peak_rss_mb", cli_push.peak_rss_mb);
  if (server.measurable()) {
    fig.Add("s1_server_cpu_s", srv_push.cpu_s - srv0.cpu_s);
    fig.Add("s1_server_peak_rss_mb", srv_push.peak_rss_mb);
    // The busiest server thread (the group committer: ingest is serial).
    if (!threads_push.empty()) {
      const double before = threads0.empty() ? 0 : threads0.front();
      fig.Add("s1_server_busiest_thread_cpu_s", threads_push.front() - before);
    }
  }
  fig.Add("s1_bytes_up", static_cast<double>(report->progress.bytes_out));
  if (o.verbose) {
    std::cerr << "  S1: " << *pending << " change-sets pushed in " << push_s << " s (round " << round_s
              << " s, pulled back " << report->progress.pulled << ")\n";
  }
  return Status::Ok();
}

Status PullRun(const Options& o, BenchServer& server, const Identity& who, const std::string& dir, uint64_t expect,
               Figures& fig) {
  auto dev = BenchDevice::Open(who, dir);
  if (!dev.ok()) return dev.status();
  WS_RETURN_IF_ERROR((*dev)->PointAt(server.address()));
  server.ResetPeak();
  ResetPeakRss(0);
  const ProcSample srv0 = server.Sample();
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  auto report = (*dev)->Sync();
  const double wall = SecondsSince(t0);
  if (!report.ok()) return Status(report.status().code(), "S2 sync failed: " + report.status().message());
  if (report->progress.pulled < expect) {
    return Status::Internal("S2: pulled " + std::to_string(report->progress.pulled) + " of " + std::to_string(expect));
  }
  const ProcSample srv1 = server.Sample();
  fig.Add("s2_records_per_s", static_cast<double>(report->progress.pulled) / wall);
  fig.Add("s2_pull_s", wall);
  fig.Add("s2_client_cpu_s", ProcessCpuSeconds() - cpu0);
  fig.Add("s2_client_peak_rss_mb", SampleProcess(0).peak_rss_mb);
  if (server.measurable()) {
    fig.Add("s2_server_cpu_s", srv1.cpu_s - srv0.cpu_s);
    fig.Add("s2_server_peak_rss_mb", srv1.peak_rss_mb);
  }
  fig.Add("s2_bytes_down", static_cast<double>(report->progress.bytes_in));
  if (o.verbose) std::cerr << "  S2: pulled " << report->progress.pulled << " records in " << wall << " s\n";
  return Status::Ok();
}

}  // namespace

Status RunS1S2(const Options& o, Figures& fig) {
  const bool s1 = o.Wants("S1"), s2 = o.Wants("S2");
  if (!s1 && !s2) return Status::Ok();
  auto setup = ServerSetup::Create(o, "s1");
  if (!setup.ok()) return setup.status();
  ServerSetup& S = **setup;
  const std::string ward = S.Wards().size() > 1 ? S.Wards()[1] : S.Wards()[0];
  const std::string work = o.work_dir + "/s1";

  std::string tpl_a, tpl_b;
  for (int run = 0; run < o.runs; ++run) {
    auto who = S.Devices("s1", {ward, ward}, run);
    if (!who.ok()) return who.status();
    // Direct mode prepares the devices once; an external server needs new
    // devices (and so a new backlog) every run.
    if (tpl_a.empty() || o.external()) {
      tpl_a = work + "/device-a-template" + std::to_string(run);
      tpl_b = work + "/device-b-template" + std::to_string(run);
      const auto t0 = std::chrono::steady_clock::now();
      WS_RETURN_IF_ERROR(PrepareBacklog((*who)[0], S.facts(), tpl_a, o.s1_records));
      WS_RETURN_IF_ERROR(PrepareFresh((*who)[1], S.facts(), tpl_b));
      if (o.verbose) std::cerr << "  S1: backlog of " << o.s1_records << " captured in " << SecondsSince(t0) << " s\n";
    }
    auto server = S.StartRun(run);
    if (!server.ok()) return server.status();
    const std::string dir = S.RunDir(run);
    WS_RETURN_IF_ERROR(util::MakeDirs(dir, 0700));
    WS_RETURN_IF_ERROR(CopyTree(tpl_a, dir + "/device-a"));
    WS_RETURN_IF_ERROR(CopyTree(tpl_b, dir + "/device-b"));
    WS_RETURN_IF_ERROR(PushRun(o, **server, (*who)[0], dir + "/device-a", fig));
    if (s2) WS_RETURN_IF_ERROR(PullRun(o, **server, (*who)[1], dir + "/device-b", o.s1_records, fig));
    WS_RETURN_IF_ERROR((*server)->Stop());
    Cleanup(o, dir);
    if (o.external()) {
      Cleanup(o, tpl_a);
      Cleanup(o, tpl_b);
    }
  }
  return Status::Ok();
}

}  // namespace wardsync::bench

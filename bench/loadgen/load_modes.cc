#include "bench/loadgen/load_modes.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "bench/bench_util.h"
#include "common/clock/clock.h"

namespace wardsync::bench {

namespace {

using Clock = std::chrono::steady_clock;

double MsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// What the coroutines of one phase share (all on one thread).
struct RunState {
  const LoadContext& lc;
  std::vector<std::unique_ptr<SimDevice>>& devices;
  const std::vector<size_t>& order;
  size_t& next;
  Clock::time_point t0;
  PhaseResult& result;
  Clock::time_point last_done;
  Clock::time_point last_end;
};

void NoteFailure(RunState& st, const std::string& why) {
  ++st.result.failures;
  if (st.result.first_error.empty()) st.result.first_error = why;
}

// The next device of the rotation that is not syncing now.
SimDevice* PickIdle(RunState& st) {
  const size_t n = st.order.size();
  for (size_t tries = 0; tries < n; ++tries) {
    SimDevice& d = *st.devices[st.order[st.next++ % n]];
    if (!d.busy) return &d;
  }
  return nullptr;
}

asio::awaitable<void> OneSync(RunState& st, SimDevice& dev, Clock::time_point scheduled) {
  dev.busy = true;
  RoundOutcome out;
  co_await SyncRound(st.lc, dev, out);
  dev.busy = false;
  const auto end = Clock::now();
  st.last_end = std::max(st.last_end, end);
  if (!out.status.ok()) {
    st.last_done = std::max(st.last_done, end);
    NoteFailure(st, dev.who().id + ": " + out.status.message());
    co_return;
  }
  st.last_done = std::max(st.last_done, out.done_at);
  st.result.latency_ms.push_back(MsBetween(scheduled, out.done_at));
  st.result.pulled += out.pulled;
  if (out.resumed) ++st.result.resumed;
}

// Open loop: each arrival starts at its time, whatever is still running.
asio::awaitable<void> Schedule(RunState& st, const std::vector<double>& offsets_s) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex);
  for (double off : offsets_s) {
    const auto at = st.t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(off));
    if (at > Clock::now()) {
      timer.expires_at(at);
      std::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    st.result.max_lag_ms = std::max(st.result.max_lag_ms, MsBetween(at, Clock::now()));
    SimDevice* d = PickIdle(st);
    if (d == nullptr) {
      NoteFailure(st, "every device was still syncing at an arrival");
      continue;
    }
    asio::co_spawn(ex, OneSync(st, *d, at), asio::detached);
  }
}

asio::awaitable<void> WarmWorker(const LoadContext& lc, std::vector<std::unique_ptr<SimDevice>>& devices,
                                 const std::vector<size_t>& order, size_t& cursor, Status& first) {
  for (size_t k; (k = cursor++) < order.size();) {
    RoundOutcome out;
    co_await SyncRound(lc, *devices[order[k]], out);
    if (!out.status.ok() && first.ok()) first = out.status;
  }
}

struct IdleRun {
  const LoadContext& lc;
  std::vector<std::unique_ptr<SimDevice>>& devices;
  std::vector<IdleOutcome> outs;
  IdleProgress progress;
  size_t concurrency;
  double settle_s;
  pid_t server_pid;
  IdleResult& result;
};

asio::awaitable<void> WaitWake(asio::steady_timer& wake) {
  wake.expires_at(Clock::time_point::max());
  std::error_code ec;
  co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> IdleLauncher(IdleRun& r) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer wake(ex);
  r.progress.wake = &wake;
  const auto t0 = Clock::now();
  const size_t n = r.devices.size();
  for (size_t i = 0; i < n; ++i) {
    while (i - r.progress.settled >= r.concurrency) co_await WaitWake(wake);
    asio::co_spawn(ex, HoldIdle(r.lc, *r.devices[i], r.outs[i], r.progress), asio::detached);
  }
  while (r.progress.settled < n) co_await WaitWake(wake);
  r.result.connect_s = MsBetween(t0, Clock::now()) / 1000;
  if (r.server_pid > 0) r.result.server_cpu_s = SampleProcess(r.server_pid).cpu_s;
  r.result.loadgen_cpu_s = SampleProcess(0).cpu_s;
  // Let the server settle (its buffers released while idle), then read it.
  asio::steady_timer pause(ex);
  pause.expires_after(std::chrono::milliseconds(static_cast<int64_t>(r.settle_s * 1000)));
  std::error_code ec;
  co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (r.server_pid > 0) {
    const ProcSample s = SampleProcess(r.server_pid);
    r.result.server_rss_mb = s.rss_mb;
    r.result.server_peak_rss_mb = s.peak_rss_mb;
  }
  r.progress.wake = nullptr;
  for (auto& o : r.outs) Release(o);
}

}  // namespace

LoadGen::LoadGen(Fleet fleet, LoadContext lc, pid_t server_pid, size_t devices, size_t records)
    : fleet_(std::move(fleet)), lc_(std::move(lc)), server_pid_(server_pid), records_(records) {
  const size_t n = std::min(devices, fleet_.devices.size());
  for (size_t i = 0; i < n; ++i) {
    devices_.push_back(std::make_unique<SimDevice>(fleet_.devices[i], fleet_, SourceAddress(i)));
    order_.push_back(i);
  }
  std::mt19937_64 rng(15);
  std::shuffle(order_.begin(), order_.end(), rng);
}

void LoadGen::PrepareFor(size_t syncs) {
  if (devices_.empty()) return;
  const size_t per = (syncs + devices_.size() - 1) / devices_.size() + 1;
  const uint64_t now = SystemClock().NowMs();
  for (auto& d : devices_) {
    while (d->unsent() < per) d->Prepare(records_, now);
  }
}

Status LoadGen::Warmup(size_t concurrency, bool push) {
  if (push) PrepareFor(devices_.size());
  asio::io_context io(1);
  size_t cursor = 0;
  Status first;
  for (size_t w = 0; w < concurrency; ++w) {
    asio::co_spawn(io, WarmWorker(lc_, devices_, order_, cursor, first), asio::detached);
  }
  io.run();
  next_ = 0;
  return first;
}

PhaseResult LoadGen::Run(const std::vector<double>& offsets_s) {
  PhaseResult result;
  result.syncs = offsets_s.size();
  asio::io_context io(1);
  const ProcSample self0 = SampleProcess(0);
  ProcSample srv0;
  if (server_pid_ > 0) {
    ResetPeakRss(server_pid_);
    srv0 = SampleProcess(server_pid_);
  }
  RunState st{lc_, devices_, order_, next_, Clock::now(), result, {}, {}};
  st.last_done = st.last_end = st.t0;
  asio::co_spawn(io, Schedule(st, offsets_s), asio::detached);
  io.run();
  result.wall_s = MsBetween(st.t0, st.last_end) / 1000;
  result.drain_s = MsBetween(st.t0, st.last_done) / 1000;
  result.loadgen_cpu_s = SampleProcess(0).cpu_s - self0.cpu_s;
  if (server_pid_ > 0) {
    const ProcSample srv1 = SampleProcess(server_pid_);
    result.server_cpu_s = srv1.cpu_s - srv0.cpu_s;
    result.server_peak_rss_mb = srv1.peak_rss_mb;
  }
  return result;
}

PhaseResult LoadGen::Step(double rate, double seconds, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap(rate);
  std::vector<double> offsets;
  for (double t = gap(rng); t < seconds; t += gap(rng)) offsets.push_back(t);
  PrepareFor(offsets.size());  // signed before the clock starts
  return Run(offsets);
}

PhaseResult LoadGen::Burst() {
  PrepareFor(devices_.size());
  return Run(std::vector<double>(devices_.size(), 0.0));
}

IdleResult LoadGen::Idle(size_t concurrency, double settle_s) {
  IdleResult result;
  result.devices = devices_.size();
  asio::io_context io(1);
  const ProcSample self0 = SampleProcess(0);
  if (server_pid_ > 0) ResetPeakRss(server_pid_);
  const ProcSample srv0 = server_pid_ > 0 ? SampleProcess(server_pid_) : ProcSample{};
  IdleRun r{lc_, devices_, std::vector<IdleOutcome>(devices_.size()), {}, std::max<size_t>(1, concurrency),
            settle_s, server_pid_, result};
  asio::co_spawn(io, IdleLauncher(r), asio::detached);
  io.run();
  result.authenticated = r.progress.authenticated;
  result.server_cpu_s -= srv0.cpu_s;
  result.loadgen_cpu_s -= self0.cpu_s;
  for (const auto& o : r.outs) {
    if (o.status.ok()) continue;
    ++result.failures;
    if (result.first_error.empty()) result.first_error = o.status.message();
  }
  return result;
}

}  // namespace wardsync::bench

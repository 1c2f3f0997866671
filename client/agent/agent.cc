#include "client/agent/agent.h"

#include "client/sync/server_probe.h"
#include "client/store/configured_servers.h"
#include "common/util/log.h"

namespace wardsync::client {

Agent::Agent(ClientEnv& env, const AgentOptions& options)
    : env_(env), options_(options), backoff_(options.backoff_base_ms, options.backoff_cap_ms) {}

void Agent::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cancel_ = true;  // the round in flight closes its connection and returns
  cv_.notify_all();
}

void Agent::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

ClientEnv::AgentInfo Agent::Info() {
  std::lock_guard<std::mutex> lock(mu_);
  ClientEnv::AgentInfo info;
  info.next_attempt_ms = next_attempt_ms_;
  info.backoff_ms = backoff_ms_;
  info.phase = phase_;
  info.progress = progress_;
  return info;
}

Result<SyncReport> Agent::Round(SyncOptions options) {
  std::lock_guard<std::mutex> round(round_mu_);
  options.cancel = &cancel_;
  options.io_timeout = options_.io_timeout;
  auto user_progress = options.on_progress;
  options.on_progress = [this, user_progress](const SyncProgress& p) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      progress_ = p;
    }
    if (user_progress) user_progress(p);
  };
  auto report = env_.SyncRoundDirect(options);
  const uint64_t now = env_.clock().NowMs();
  Status noted = env_.store().NoteSyncResult(report.ok(), report.ok() ? "" : report.status().message(), now);
  // The round went through but the store failed to record it: the store is
  // failing (fail-stop), so the round counts as failed and is retried later.
  if (report.ok() && !noted.ok()) return Status(noted.code(), "cannot record the sync result: " + noted.message());
  return report;
}

Result<SyncReport> Agent::SyncNow(const SyncOptions& options) { return Round(options); }

// A TCP connect (client/sync/server_probe.h) tells whether the server is
// back: any of its addresses, the one that answered last first.
bool Agent::ServerReachable() {
  auto cfg = env_.store().Config();
  if (!cfg.ok()) return false;
  auto preferred = env_.store().PreferredServer();
  for (const auto& address : ServersToTry(*cfg, preferred.ok() ? *preferred : std::string())) {
    if (ServerAnswers(address, std::chrono::seconds(2))) return true;
  }
  return false;
}

void Agent::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t next_probe_ms = 0;
  for (;;) {
    const uint64_t now = env_.clock().NowMs();
    const bool due = woken_ || now >= next_attempt_ms_;
    if (stopping_) break;
    if (!due) {
      // Backing off: probe reachability now and then; sync as soon as it answers.
      if (backoff_ms_ > 0 && last_failure_unreachable_ && now >= next_probe_ms) {
        lock.unlock();
        bool up = ServerReachable();
        lock.lock();
        next_probe_ms = env_.clock().NowMs() + options_.probe_interval_ms;
        if (up && !stopping_) {
          util::LogLine("agent: server reachable again");
          woken_ = true;
          continue;
        }
      }
      uint64_t wake_at = next_attempt_ms_;
      if (backoff_ms_ > 0 && last_failure_unreachable_) wake_at = std::min(wake_at, next_probe_ms);
      const uint64_t wait = wake_at > now ? wake_at - now : 0;
      cv_.wait_for(lock, std::chrono::milliseconds(wait), [&] { return stopping_ || woken_; });
      continue;
    }
    woken_ = false;
    phase_ = "syncing";
    progress_ = {};
    lock.unlock();
    auto report = Round(SyncOptions{});
    lock.lock();
    if (stopping_) break;
    const uint64_t after = env_.clock().NowMs();
    if (report.ok()) {
      backoff_.Reset();
      backoff_ms_ = 0;
      phase_ = "idle";
      // Something arrived while we synced, or a page limit left work: go again now.
      next_attempt_ms_ = report->pending_after > 0 ? after : after + options_.interval_ms;
      util::LogLine("agent: synced, pushed " + std::to_string(report->progress.pushed) + " pulled " +
                    std::to_string(report->progress.pulled) + ", " + std::to_string(report->pending_after) +
                    " pending");
    } else {
      backoff_ms_ = backoff_.NextDelayMs();
      next_attempt_ms_ = after + backoff_ms_;
      next_probe_ms = after + std::min(options_.probe_interval_ms, backoff_ms_);
      phase_ = "backing off";
      last_failure_unreachable_ = report.status().code() == Status::Code::kUnavailable ||
                                  report.status().code() == Status::Code::kDeadlineExceeded;
      util::LogLine("agent: sync failed (" + report.status().message() + "); next attempt in " +
                    std::to_string(backoff_ms_) + " ms");
    }
  }
  phase_ = "stopped";
}

}  // namespace wardsync::client

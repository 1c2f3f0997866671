#include "server/ingest/group_committer.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "common/store/proto_io.h"
#include "server/ingest/clock_bound.h"
#include "common/util/log.h"
#include "server/metrics/server_metrics.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

namespace {

// Every ingest path (sessions, import, the server's own resolutions) ends in
// CommitGroup, so the outcome of each change-set is counted here, once.
void CountResults(ServerMetrics* m, const std::vector<SubmissionResult>& results) {
  if (!m) return;
  for (const auto& r : results) {
    m->ChangeSetsAccepted(r.accepted);
    m->ChangeSetsDuplicate(r.duplicates);
    m->ChangesRejected(r.rejected);
    if (!r.ok()) m->ChangeSetRefused(r.error);
  }
}

}  // namespace

Status Ingestor::LoadHead() {
  std::string raw;
  Status s = ctx_.store.Get(keys::kLogHead, &raw);
  if (s.not_found()) {
    log_head_ = 0;
    return Status::Ok();
  }
  if (!s.ok()) return s;
  log_head_ = wardsync::keys::ReadU64(raw);
  return Status::Ok();
}

std::vector<SubmissionResult> Ingestor::CommitGroup(
    const std::vector<const Submission*>& subs,
    const std::vector<std::pair<std::string, wardsync::sync::DeviceReport>>& contacts, const Annotate& annotate) {
  IngestGroup group(ctx_, log_head_, &quota_);
  std::vector<SubmissionResult> results;
  results.reserve(subs.size());
  for (const Submission* s : subs) results.push_back(group.Add(*s));
  WriteBatch batch = group.TakeBatch();
  // Contacts are bookkeeping: merged into whatever device row the group
  // writes, or written on their own.
  const uint64_t now = ctx_.clock.NowMs();
  // The last row the batch puts for each device, found in one pass (not one
  // pass per contact: a busy group holds thousands of ops and hundreds of
  // contacts).
  std::unordered_map<std::string, std::string> device_rows;
  if (!contacts.empty()) {
    batch.ForEach([&](std::string_view key, std::optional<std::string_view> value) {
      if (value && key.substr(0, keys::kDevicePrefix.size()) == keys::kDevicePrefix) {
        device_rows[std::string(key)] = std::string(*value);
      }
    });
  }
  for (const auto& [id, report] : contacts) {
    wardsync::store::Device d;
    // The group may have just updated this device; read its fresh value from the batch.
    const std::string key = keys::Device(id);
    bool found = false;
    if (auto row = device_rows.find(key); row != device_rows.end()) found = d.ParseFromString(row->second);
    if (!found && !GetProto(ctx_.store, key, &d).ok()) continue;
    d.set_last_contact_ms(now);
    *d.mutable_last_report() = report;
    if (report.clock_ms() != 0) d.set_clock_skew_ms(ClockSkewMs(report.clock_ms(), now));
    device_rows[key] = d.SerializeAsString();
    batch.Put(key, device_rows[key]);
  }
  if (annotate) annotate(results, batch);
  bool has_changes = group.log_head() != log_head_ || std::any_of(results.begin(), results.end(), [](const auto& r) {
                       return r.accepted > 0;
                     });
  if (batch.size() <= 1 && contacts.empty()) {  // only the unchanged log head
    CountResults(ctx_.metrics, results);
    return results;
  }
  const auto write_started = std::chrono::steady_clock::now();
  Status s = ctx_.store.Write(batch, /*sync=*/has_changes);
  if (ctx_.metrics) {
    ctx_.metrics->StoreWritten(std::chrono::duration<double>(std::chrono::steady_clock::now() - write_started).count());
  }
  if (!s.ok()) {
    // Nothing of the group is durable: nothing may be acknowledged.
    for (auto& r : results) {
      if (r.accepted > 0 || r.ok()) {
        r.error = wardsync::sync::INTERNAL;
        r.message = "server storage failed, nothing acknowledged: " + s.message();
        r.accepted = 0;
        r.changes = 0;
      }
    }
    // The head in memory must be the store's; if even that read fails, the
    // store is failing and refuses every later write (fail-stop), so the
    // stale head is never used to write.
    if (Status h = LoadHead(); !h.ok()) util::LogLine("cannot re-read the log head after a failed write: " + h.message());
    // Acked positions must be what the store really holds.
    for (size_t i = 0; i < subs.size(); ++i) {
      wardsync::store::Device d;
      results[i].acked_seq = GetProto(ctx_.store, keys::Device(subs[i]->device_id), &d).ok() ? d.last_seq() : 0;
    }
    CountResults(ctx_.metrics, results);
    return results;
  }
  log_head_ = group.log_head();
  CountResults(ctx_.metrics, results);
  return results;
}

Status GroupCommitter::Start() {
  WS_RETURN_IF_ERROR(ingestor_.LoadHead());
  running_ = true;
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void GroupCommitter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  running_ = false;
}

void GroupCommitter::Submit(Submission s, SubmissionDone done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({std::move(s), std::move(done)});
  }
  cv_.notify_one();
}

void GroupCommitter::NoteContact(std::string device_id, wardsync::sync::DeviceReport report) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    contacts_.emplace_back(std::move(device_id), std::move(report));
  }
  cv_.notify_one();
}

size_t GroupCommitter::queue_depth() {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void GroupCommitter::RunExclusive(std::function<void(Ingestor&)> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}


void GroupCommitter::Loop() {
  for (;;) {
    std::deque<Pending> batch;
    std::deque<std::function<void(Ingestor&)>> tasks;
    std::vector<std::pair<std::string, wardsync::sync::DeviceReport>> contacts;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty() || !tasks_.empty() || !contacts_.empty(); });
      if (queue_.empty() && tasks_.empty() && contacts_.empty() && stopping_) return;
      size_t n = std::min<size_t>(queue_.size(), ingestor_.ctx().limits.group_commit_max);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      tasks.swap(tasks_);
      contacts.swap(contacts_);
    }
    for (auto& t : tasks) t(ingestor_);
    if (batch.empty() && contacts.empty()) continue;
    std::vector<const Submission*> subs;
    for (auto& p : batch) subs.push_back(&p.submission);
    if (ServerMetrics* m = ingestor_.ctx().metrics; m && !subs.empty()) m->GroupCommitted(subs.size());
    auto results = ingestor_.CommitGroup(subs, contacts);
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
  }
}

}  // namespace wardsync::server

#include "server/audit/logged_change.h"

#include "common/changes/changeset.h"
#include "common/reconcile/duplicates.h"
#include "common/reconcile/review.h"
#include "common/store/proto_io.h"
#include "server/store/server_keys.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

namespace {
constexpr size_t kCacheSize = 64;
}

Result<const ChangeSetReader::Entry*> ChangeSetReader::Get(const std::string& device, uint64_t seq) {
  const std::string key = device + "/" + std::to_string(seq);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    wardsync::store::StoredChangeSet stored;
    Status s = GetProto(store_, keys::ChangeSet(device, seq), &stored);
    if (s.not_found()) return Status::NotFound("change-set " + key + " is not stored");
    if (!s.ok()) return Status(s.code(), "change-set " + key + ": " + s.message());
    Entry e;
    if (!changes_util::ParseBody(stored.signed_(), &e.body).ok()) {
      return Status::Corruption("change-set " + key + ": body does not parse");
    }
    e.received_ms = stored.received_ms();
    e.clamped_hlc = stored.clamped_hlc();
    e.first_log_seq = stored.first_log_seq();
    if (cache_.size() >= kCacheSize) cache_.clear();
    it = cache_.emplace(key, std::move(e)).first;
  }
  return &it->second;
}

Result<LoggedChange> ChangeSetReader::Load(uint64_t log_seq) {
  LoggedChange out;
  out.log_seq = log_seq;
  Status s = GetProto(store_, keys::Log(log_seq), &out.entry);
  if (s.not_found()) return Status::NotFound("log entry " + std::to_string(log_seq) + " is missing");
  if (!s.ok()) return Status(s.code(), "log entry " + std::to_string(log_seq) + ": " + s.message());
  auto got = Get(out.entry.device_id(), out.entry.seq());
  if (!got.ok()) return Status(got.status().code(), "log entry " + std::to_string(log_seq) + ": " + got.status().message());
  const wardsync::changes::ChangeSetBody* body = &(*got)->body;
  const uint64_t received = (*got)->received_ms;
  const uint64_t clamped = (*got)->clamped_hlc;
  if (out.entry.change_index() >= static_cast<uint32_t>(body->changes_size())) {
    return Status::Corruption("log entry " + std::to_string(log_seq) + " names change " +
                              std::to_string(out.entry.change_index()) + " of change-set " + out.entry.device_id() +
                              "/" + std::to_string(out.entry.seq()) + ", which has " +
                              std::to_string(body->changes_size()));
  }
  out.change = body->changes(static_cast<int>(out.entry.change_index()));
  out.stamp.mutable_change()->set_device_id(out.entry.device_id());
  out.stamp.mutable_change()->set_seq(out.entry.seq());
  // As ingest stamped it: clamped when the device's clock ran too far ahead.
  out.stamp.set_hlc(clamped ? clamped : body->hlc());
  if (clamped) out.stamp.set_device_hlc(body->hlc());
  out.stamp.set_officer(body->officer());
  out.stamp.set_received_ms(received);
  return out;
}

// Mirrors IngestGroup::BaseValue: the first value the base change wrote to
// that field of that record.
std::optional<wardsync::changes::Value> ChangeSetReader::BaseValue(const wardsync::changes::ChangeId& version,
                                                                   const std::string& record_id,
                                                                   const std::string& field) {
  auto got = Get(version.device_id(), version.seq());
  if (!got.ok()) return std::nullopt;
  for (const auto& c : (*got)->body.changes()) {
    if (c.record_id() != record_id) continue;
    for (const auto& set : c.sets()) {
      if (set.field() == field && set.has_value()) return set.value();
    }
  }
  return std::nullopt;
}

Result<std::vector<uint64_t>> RecordLogSeqs(KvReader& store, const std::string& record_id, uint64_t max_seq,
                                            bool scan_fallback) {
  std::vector<uint64_t> seqs;
  const std::string prefix = keys::RecordLogPrefix(record_id);
  auto it = store.Scan(prefix);
  for (; it->Valid(); it->Next()) {
    const uint64_t seq = wardsync::keys::ReadU64(it->key().substr(prefix.size()));
    if (seq > max_seq) break;
    seqs.push_back(seq);
  }
  if (!it->status().ok()) return it->status();
  if (!seqs.empty() || !scan_fallback) return seqs;
  // A store written before the per-record index existed: scan the log.
  auto log = store.Scan(keys::kLogPrefix);
  for (; log->Valid(); log->Next()) {
    const uint64_t seq = wardsync::keys::ReadU64(log->key().substr(keys::kLogPrefix.size()));
    if (seq > max_seq) break;
    wardsync::store::LogEntry e;
    if (e.ParseFromArray(log->value().data(), static_cast<int>(log->value().size())) && e.record_id() == record_id) {
      seqs.push_back(seq);
    }
  }
  if (!log->status().ok()) return log->status();
  return seqs;
}

Status ReplayRecord(ChangeSetReader& reader, const std::vector<uint64_t>& log_seqs, RecordState* record,
                    const ReplayStep& step, const reconcile::RuleCheck& rules) {
  record->Clear();
  for (uint64_t seq : log_seqs) {
    auto loaded = reader.Load(seq);
    if (!loaded.ok()) return loaded.status();
    const LoggedChange& lc = *loaded;
    const std::string rid = lc.change.record_id();
    reconcile::BaseLookup lookup = [&reader, rid](const wardsync::changes::ChangeId& id, const std::string& field) {
      return reader.BaseValue(id, rid, field);
    };
    RecordState before;
    if (step) before = *record;
    if (!lc.entry.rejected().empty() && lc.entry.not_kept()) {
      if (step) step(lc, before, *record, reconcile::ApplyOutcome{});  // only the log says why
      continue;
    }
    if (!lc.entry.rejected().empty()) {
      const reconcile::ApplyOutcome kept =
          reconcile::Reject(*record, lc.change, lc.stamp, lc.entry.change_index(), seq, lc.entry.rejected());
      if (step) step(lc, before, *record, kept);
      continue;
    }
    auto outcome = reconcile::Apply(*record, lc.change, lc.stamp, seq, lookup, rules);
    if (!outcome.ok()) {
      return Status::Corruption("log entry " + std::to_string(seq) + " (change-set " + lc.entry.device_id() + "/" +
                                std::to_string(lc.entry.seq()) + ") does not replay: " + outcome.status().message());
    }
    // The unique-key finding ingest made against the whole store (reconcile/duplicates.h).
    std::optional<std::string> other;
    if (!lc.entry.duplicate_of().empty()) other = lc.entry.duplicate_of();
    reconcile::ReviewDuplicate(*record, other, lc.entry.duplicate_key(), lc.stamp, seq, *outcome);
    if (step) step(lc, before, *record, *outcome);
  }
  return Status::Ok();
}

}  // namespace wardsync::server::audit

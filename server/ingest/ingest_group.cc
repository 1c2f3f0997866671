#include "server/ingest/ingest_group.h"

#include "common/changes/changeset.h"
#include "common/changes/deleted_marker.h"
#include "common/clock/hlc.h"
#include "common/forms/validator.h"
#include "common/reconcile/merge.h"
#include "common/store/proto_io.h"
#include "server/ingest/authorizer.h"
#include "server/ingest/device_keys.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

using wardsync::changes::Change;
using wardsync::changes::ChangeSetBody;
using wardsync::records::RecordState;
using wardsync::store::Device;
namespace sync = wardsync::sync;

namespace {

SubmissionResult Refuse(SubmissionResult r, sync::ErrorCode code, std::string message, uint64_t seq) {
  r.error = code;
  r.message = std::move(message);
  r.error_seq = seq;
  return r;
}

std::string SeqKey(const std::string& device, uint64_t seq) { return device + "/" + std::to_string(seq); }

}  // namespace

IngestGroup::IngestGroup(ServerContext& ctx, uint64_t log_head) : ctx_(ctx), log_head_(log_head) {}

Result<Device> IngestGroup::LoadDevice(const std::string& id) {
  auto it = devices_.find(id);
  if (it != devices_.end()) return it->second;
  Device d;
  Status s = GetProto(ctx_.store, keys::Device(id), &d);
  if (!s.ok()) return s;
  return d;
}

Result<RecordState> IngestGroup::LoadRecord(const std::string& id, const RecordMap& scratch) {
  if (auto it = scratch.find(id); it != scratch.end()) return it->second;
  if (auto it = records_.find(id); it != records_.end()) return it->second;
  RecordState r;
  Status s = GetProto(ctx_.store, keys::Record(id), &r);
  if (s.not_found()) return RecordState();
  if (!s.ok()) return s;
  return r;
}

Status IngestGroup::StoredHash(const std::string& device, uint64_t seq, std::string* hash) {
  if (auto it = new_hashes_.find(SeqKey(device, seq)); it != new_hashes_.end()) {
    *hash = it->second;
    return Status::Ok();
  }
  wardsync::store::StoredChangeSet stored;
  WS_RETURN_IF_ERROR(GetProto(ctx_.store, keys::ChangeSet(device, seq), &stored));
  *hash = changes_util::BodyHash(stored.signed_());
  return Status::Ok();
}

std::optional<wardsync::changes::Value> IngestGroup::BaseValue(const wardsync::changes::ChangeId& id,
                                                                const std::string& record_id,
                                                                const std::string& field) {
  std::string body_bytes;
  if (auto it = new_bodies_.find(SeqKey(id.device_id(), id.seq())); it != new_bodies_.end()) {
    body_bytes = it->second;
  } else {
    wardsync::store::StoredChangeSet stored;
    if (!GetProto(ctx_.store, keys::ChangeSet(id.device_id(), id.seq()), &stored).ok()) return std::nullopt;
    body_bytes = stored.signed_().body();
  }
  ChangeSetBody body;
  if (!body.ParseFromString(body_bytes)) return std::nullopt;
  for (const auto& c : body.changes()) {
    if (c.record_id() != record_id) continue;
    for (const auto& set : c.sets()) {
      if (set.field() == field && set.has_value()) return set.value();
    }
  }
  return std::nullopt;
}

SubmissionResult IngestGroup::Add(const Submission& submission) {
  SubmissionResult result;
  auto loaded = LoadDevice(submission.device_id);
  if (!loaded.ok()) {
    return Refuse(result, sync::AUTH_FAILED, "unknown device " + submission.device_id, 0);
  }
  Device device = std::move(loaded).value();
  result.acked_seq = device.last_seq();
  if (device.revoked()) {
    return Refuse(result, sync::REVOKED, "device " + device.id() + " is revoked: " + device.revoked_reason(), 0);
  }
  if (submission.change_sets.size() > ctx_.limits.max_changesets_per_push) {
    return Refuse(result, sync::LIMIT_EXCEEDED,
                  "push of " + std::to_string(submission.change_sets.size()) + " change-sets exceeds the limit of " +
                      std::to_string(ctx_.limits.max_changesets_per_push),
                  0);
  }

  // 1. Parse and check identity.
  std::vector<Parsed> parsed;
  parsed.reserve(submission.change_sets.size());
  // Parsed and hashed already by the session (off this thread), if it could.
  const bool prepared = submission.prepared.size() == submission.change_sets.size();
  for (size_t k = 0; k < submission.change_sets.size(); ++k) {
    const auto& cs = submission.change_sets[k];
    Parsed p{&cs, {}, {}};
    if (prepared) {
      p.body = std::move(submission.prepared[k].body);
      p.hash = std::move(submission.prepared[k].hash);
    } else if (!changes_util::ParseBody(cs, &p.body).ok()) {
      return Refuse(result, sync::BAD_FRAME, "change-set body does not parse", 0);
    }
    if (p.body.device_id() != device.id()) {
      return Refuse(result, sync::FORBIDDEN,
                    "change-set claims device " + p.body.device_id() + " but was sent by device " + device.id(),
                    p.body.seq());
    }
    if (p.body.format() != 1) {
      return Refuse(result, sync::INVALID_CHANGE, "unsupported change-set format " + std::to_string(p.body.format()),
                    p.body.seq());
    }
    if (!prepared) p.hash = changes_util::BodyHash(cs);
    parsed.push_back(std::move(p));
  }
  submission.prepared.clear();  // consumed

  // 2. Replays first (acknowledged again), then the new run.
  size_t i = 0;
  for (; i < parsed.size() && parsed[i].body.seq() <= device.last_seq(); ++i) {
    const Parsed& p = parsed[i];
    std::string held;
    Status s = p.body.seq() == 0 ? Status::NotFound("seq 0") : StoredHash(device.id(), p.body.seq(), &held);
    if (!s.ok()) {
      return Refuse(result, sync::BAD_CHAIN, "change-set seq " + std::to_string(p.body.seq()) + " is not valid",
                    p.body.seq());
    }
    if (held != p.hash) {
      return Refuse(result, sync::BAD_CHAIN,
                    "fork: change-set seq " + std::to_string(p.body.seq()) + " differs from the one already accepted",
                    p.body.seq());
    }
    ++result.duplicates;
  }
  if (i == parsed.size()) return result;

  // Links of the new run.
  std::string prev_hash = device.last_hash();
  uint64_t expect = device.last_seq() + 1;
  for (size_t j = i; j < parsed.size(); ++j, ++expect) {
    const Parsed& p = parsed[j];
    if (p.body.seq() != expect) {
      return Refuse(result, sync::BAD_CHAIN,
                    (p.body.seq() > expect ? "gap: expected change-set seq " : "out of order: expected change-set seq ") +
                        std::to_string(expect) + ", got " + std::to_string(p.body.seq()),
                    p.body.seq());
    }
    if (p.body.prev_hash() != prev_hash) {
      return Refuse(result, sync::BAD_CHAIN,
                    "broken link: change-set seq " + std::to_string(p.body.seq()) +
                        " does not name the hash of the previous change-set",
                    p.body.seq());
    }
    prev_hash = p.hash;
  }

  // 3. One signature per run signed by one key: the last of the run vouches
  //    for every earlier one through the hash chain. A key rotation ends its
  //    run (its own signature by the old key is what vouches for the new
  //    key), and the keys it adds count for the change-sets after it.
  Device keyed = device;  // the device's keys as this run's rotations leave them
  for (size_t j = i; j < parsed.size(); ++j) {
    const ChangeSetBody& body = parsed[j].body;
    auto key = SigningKey(keyed, body.key_epoch(), body.seq());
    if (!key.ok()) return Refuse(result, sync::BAD_SIGNATURE, key.status().message(), body.seq());
    const bool rotates = body.has_rotate_key();
    bool last_of_run = rotates || j + 1 == parsed.size() || parsed[j + 1].body.key_epoch() != body.key_epoch();
    if (!last_of_run) continue;
    if (!changes_util::VerifySignature(*parsed[j].signed_cs, (*key)->public_key())) {
      return Refuse(result, sync::BAD_SIGNATURE,
                    "bad signature on change-set seq " + std::to_string(body.seq()) + " (key epoch " +
                        std::to_string(body.key_epoch()) + ")",
                    body.seq());
    }
    if (rotates) {
      Status s = AddRotatedKey(keyed, body, 0);
      if (!s.ok()) return Refuse(result, sync::BAD_SIGNATURE, s.message(), body.seq());
    }
  }

  // 4./5. Apply one by one.
  for (size_t j = i; j < parsed.size(); ++j) {
    SubmissionResult one = ApplyNew(device, parsed[j]);
    if (!one.ok()) {
      one.acked_seq = device.last_seq();
      one.accepted = result.accepted;
      one.duplicates = result.duplicates;
      one.changes = result.changes;
      return one;
    }
    ++result.accepted;
    result.changes += one.changes;
  }
  result.acked_seq = device.last_seq();
  return result;
}

SubmissionResult IngestGroup::ApplyNew(Device& device, const Parsed& p) {
  SubmissionResult r;
  const ChangeSetBody& body = p.body;
  const uint64_t now = ctx_.clock.NowMs();
  const uint64_t stamp_ms = HybridLogicalClock::PhysicalMs(body.hlc());
  if (stamp_ms > now + ctx_.limits.max_clock_skew_ms) {
    return Refuse(r, sync::CLOCK_SKEW,
                  "change-set seq " + std::to_string(body.seq()) + " is stamped " +
                      std::to_string((stamp_ms - now) / 1000) + " s in the future (allowed: " +
                      std::to_string(ctx_.limits.max_clock_skew_ms / 1000) + " s); check the device clock",
                  body.seq());
  }
  if (body.has_rotate_key()) {
    // Checked in Add already (signature by the old key, proof by the new);
    // recorded here, in order, with the change-set that carries it.
    Status s = AddRotatedKey(device, body, now);
    if (!s.ok()) return Refuse(r, sync::BAD_SIGNATURE, s.message(), body.seq());
  } else if (body.changes_size() == 0 ||
             static_cast<uint32_t>(body.changes_size()) > ctx_.limits.max_changes_per_changeset) {
    return Refuse(r, sync::LIMIT_EXCEEDED,
                  "change-set seq " + std::to_string(body.seq()) + " has " + std::to_string(body.changes_size()) +
                      " changes (allowed 1.." + std::to_string(ctx_.limits.max_changes_per_changeset) + ")",
                  body.seq());
  }
  auto forms = ctx_.forms.Get();
  RecordMap scratch;
  WriteBatch writes;
  uint64_t log_seq = log_head_;
  wardsync::records::Stamp stamp;
  stamp.mutable_change()->set_device_id(device.id());
  stamp.mutable_change()->set_seq(body.seq());
  stamp.set_hlc(body.hlc());
  stamp.set_officer(body.officer());
  stamp.set_received_ms(now);

  for (int ci = 0; ci < body.changes_size(); ++ci) {
    const Change& change = body.changes(ci);
    const std::string where = "change-set seq " + std::to_string(body.seq()) + ": ";
    if (change.record_id().size() != 16) {
      return Refuse(r, sync::INVALID_CHANGE, where + "record id must be 16 bytes", body.seq());
    }
    auto loaded = LoadRecord(change.record_id(), scratch);
    if (!loaded.ok()) return Refuse(r, sync::INTERNAL, loaded.status().message(), body.seq());
    RecordState record = std::move(loaded).value();
    const bool exists = !record.record_id().empty();
    Status s = Authorize(device, change, exists ? record.ward() : "");
    if (!s.ok()) return Refuse(r, sync::FORBIDDEN, where + s.message(), body.seq());
    if (change.op() != Change::RESOLVE && forms->wards.wards_size() > 0) {
      bool known = false;
      for (const auto& w : forms->wards.wards()) known = known || w.id() == change.ward();
      if (!known) return Refuse(r, sync::INVALID_CHANGE, where + "unknown ward " + change.ward(), body.seq());
    }
    const std::string form_id = change.op() == Change::RESOLVE && exists ? record.form_id() : change.form_id();
    const uint32_t form_version =
        change.op() == Change::RESOLVE && exists ? record.form_version() : change.form_version();
    const auto* form = forms->registry.Find(form_id, form_version);
    if (!form) {
      return Refuse(r, sync::INVALID_CHANGE,
                    where + "unknown form " + form_id + " version " + std::to_string(form_version), body.seq());
    }
    if (change.op() != Change::DELETE) {
      if (!changes_util::CarriesDeletedMarker(change)) {
        s = forms_util::ValidateChangeFields(*form, change);
        if (!s.ok()) return Refuse(r, sync::INVALID_CHANGE, where + s.message(), body.seq());
      }
    }
    // Did the editor see the whole record as it is now? Only then is a broken
    // cross-field rule its own doing; otherwise it comes from merging edits
    // that did not see each other, and refusing would block the device's
    // chain for good (the merged record keeps every value).
    const bool saw_record = change.op() == Change::CREATE ||
                            (change.base().device_id() == record.last_change().change().device_id() &&
                             change.base().seq() == record.last_change().change().seq());
    ++log_seq;
    const std::string rid = change.record_id();
    auto outcome = reconcile::Apply(record, change, stamp, log_seq,
                                    [&](const wardsync::changes::ChangeId& id, const std::string& field) {
                                      return BaseValue(id, rid, field);
                                    });
    if (!outcome.ok()) return Refuse(r, sync::INVALID_CHANGE, where + outcome.status().message(), body.seq());
    if ((change.op() == Change::CREATE || change.op() == Change::UPDATE) && !outcome->concurrent && saw_record &&
        !record.deleted()) {
      s = forms_util::ValidateRecordFields(*form, record.fields());
      if (!s.ok()) return Refuse(r, sync::INVALID_CHANGE, where + s.message(), body.seq());
    }
    for (const auto& id : outcome->opened) writes.Put(keys::OpenConflict(id), rid);
    for (const auto& id : outcome->closed) writes.Delete(keys::OpenConflict(id));
    wardsync::store::LogEntry entry;
    entry.set_device_id(device.id());
    entry.set_seq(body.seq());
    entry.set_change_index(static_cast<uint32_t>(ci));
    entry.set_record_id(rid);
    entry.set_ward(record.ward());
    PutProto(writes, keys::Log(log_seq), entry);
    writes.Put(keys::WardLog(record.ward(), log_seq), rid);
    writes.Put(keys::RecordLog(rid, log_seq), "");
    scratch[rid] = std::move(record);
    ++r.changes;
  }

  // Accepted: join the group.
  wardsync::store::StoredChangeSet stored;
  *stored.mutable_signed_() = *p.signed_cs;
  stored.set_received_ms(now);
  stored.set_first_log_seq(log_head_ + 1);
  PutProto(writes, keys::ChangeSet(device.id(), body.seq()), stored);
  for (auto& [id, rec] : scratch) records_[id] = std::move(rec);
  new_hashes_[SeqKey(device.id(), body.seq())] = p.hash;
  new_bodies_[SeqKey(device.id(), body.seq())] = p.signed_cs->body();
  pending_.Append(std::move(writes));
  log_head_ = log_seq;
  device.set_last_seq(body.seq());
  device.set_last_hash(p.hash);
  devices_[device.id()] = device;
  return r;
}

WriteBatch IngestGroup::TakeBatch() {
  WriteBatch batch;
  batch.Append(std::move(pending_));
  for (const auto& [id, d] : devices_) PutProto(batch, keys::Device(id), d);
  for (const auto& [id, rec] : records_) PutProto(batch, keys::Record(id), rec);
  std::string head;
  wardsync::keys::AppendU64(&head, log_head_);
  batch.Put(std::string(keys::kLogHead), head);
  devices_.clear();
  records_.clear();
  new_hashes_.clear();
  new_bodies_.clear();
  return batch;
}

}  // namespace wardsync::server

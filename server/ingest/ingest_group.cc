#include "server/ingest/ingest_group.h"

#include <unordered_set>

#include "common/changes/changeset.h"
#include "common/changes/signature_runs.h"
#include "common/changes/deleted_marker.h"
#include "common/clock/hlc.h"
#include "common/forms/validator.h"
#include "common/reconcile/duplicates.h"
#include "common/reconcile/merge.h"
#include "common/reconcile/review.h"
#include "common/store/proto_io.h"
#include "common/wire/content_limits.h"
#include "server/ingest/authorizer.h"
#include "server/ingest/clock_bound.h"
#include "server/ingest/device_keys.h"
#include "server/ingest/drain.h"
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

}  // namespace

namespace {

std::unique_ptr<google::protobuf::Arena> MakeArena() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = 64 << 10;
  options.max_block_size = 1 << 20;
  return std::make_unique<google::protobuf::Arena>(options);
}

}  // namespace

IngestGroup::IngestGroup(ServerContext& ctx, uint64_t log_head, const VolumeQuota* quota)
    : ctx_(ctx), arena_(MakeArena()), log_head_(log_head), quota_(quota) {}

RecordState* IngestGroup::NewRecord() { return google::protobuf::Arena::CreateMessage<RecordState>(arena_.get()); }

void IngestGroup::CompactArena() {
  if (arena_->SpaceUsed() <= ctx_.limits.group_arena_compact_bytes) return;
  auto fresh = MakeArena();
  for (auto& [id, rec] : records_) {
    RecordState* copy = google::protobuf::Arena::CreateMessage<RecordState>(fresh.get());
    *copy = *rec;
    rec = copy;
  }
  arena_ = std::move(fresh);
}

Result<Device> IngestGroup::LoadDevice(const std::string& id) {
  auto it = devices_.find(id);
  if (it != devices_.end()) return it->second;
  Device d;
  Status s = GetProto(ctx_.store, keys::Device(id), &d);
  if (!s.ok()) return s;
  return d;
}

Result<RecordState*> IngestGroup::LoadRecord(const std::string& id, const RecordMap& scratch) {
  RecordState* r = NewRecord();
  if (auto it = scratch.find(id); it != scratch.end()) {
    *r = *it->second;
    return r;
  }
  if (auto it = records_.find(id); it != records_.end()) {
    *r = *it->second;
    return r;
  }
  if (auto it = prefetched_.find(id); it != prefetched_.end()) {
    if (it->second && !r->ParseFromString(*it->second)) return Status::Corruption("stored record does not parse");
    return r;
  }
  Status s = GetProto(ctx_.store, keys::Record(id), r);
  if (s.not_found()) {
    r->Clear();
    return r;
  }
  if (!s.ok()) return s;
  return r;
}

void IngestGroup::PrefetchRecords(const std::vector<Parsed>& parsed, size_t from) {
  // Views of the bodies' ids: a 16-byte id copied is an allocation.
  std::vector<std::string_view> ids;
  std::unordered_set<std::string_view> asked;
  for (size_t j = from; j < parsed.size(); ++j) {
    for (const Change& change : parsed[j].body->changes()) {
      const std::string& id = change.record_id();
      if (id.size() != 16 || records_.count(id) || prefetched_.count(id) || !asked.insert(id).second) continue;
      ids.push_back(id);
    }
  }
  if (ids.size() < 2) return;  // a Get does as well
  std::vector<std::string> record_keys;
  record_keys.reserve(ids.size());
  for (const auto& id : ids) record_keys.push_back(keys::Record(id));
  std::vector<std::optional<std::string>> values;
  if (!ctx_.store.MultiGet(record_keys, &values).ok()) return;
  for (size_t k = 0; k < ids.size(); ++k) prefetched_.emplace(std::string(ids[k]), std::move(values[k]));
}

Status IngestGroup::StoredHash(const std::string& device, uint64_t seq, std::string* hash) {
  if (auto it = accepted_.find({device, seq}); it != accepted_.end()) {
    *hash = it->second.hash;
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
  if (auto it = accepted_.find({id.device_id(), id.seq()}); it != accepted_.end()) {
    body_bytes = it->second.body;
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

std::string IngestGroup::OtherWithKey(const std::string& key, const std::string& record_id, const KeyMap& scratch) {
  const std::string prefix = keys::UniqueKeyPrefix(key);
  auto state = [&](const std::string& entry) -> std::optional<bool> {
    if (auto it = scratch.find(entry); it != scratch.end()) return it->second;
    if (auto it = ukeys_.find(entry); it != ukeys_.end()) return it->second;
    return std::nullopt;
  };
  for (const KeyMap* m : std::initializer_list<const KeyMap*>{&scratch, &ukeys_}) {
    for (auto it = m->lower_bound(prefix); it != m->end() && it->first.starts_with(prefix); ++it) {
      std::string rid = it->first.substr(prefix.size());
      if (rid != record_id && state(it->first).value_or(false)) return rid;
    }
  }
  for (auto it = ctx_.store.Scan(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string entry(it->key());
    std::string rid = entry.substr(prefix.size());
    if (rid != record_id && state(entry).value_or(true)) return rid;
  }
  return "";
}

bool IngestGroup::HoldsKey(const std::string& key, const std::string& record_id, const KeyMap& scratch) {
  const std::string entry = keys::UniqueKeyEntry(key, record_id);
  if (auto it = scratch.find(entry); it != scratch.end()) return it->second;
  if (auto it = ukeys_.find(entry); it != ukeys_.end()) return it->second;
  std::string value;
  return ctx_.store.Get(entry, &value).ok();
}

void IngestGroup::ReviewUniqueKey(const FormsSnapshot::Data& forms, const RecordState& before, RecordState& after,
                                  const wardsync::records::Stamp& stamp, uint64_t log_seq, KeyMap& scratch,
                                  reconcile::ApplyOutcome& outcome, wardsync::store::LogEntry& entry) {
  auto key_of = [&](const RecordState& r, std::string* text) -> std::optional<std::string> {
    const auto* form = forms.registry.Find(r.form_id(), r.form_version());
    return form ? reconcile::UniqueKey(*form, r, text) : std::nullopt;
  };
  std::string text;
  const auto old_key = key_of(before, nullptr);
  const auto new_key = key_of(after, &text);
  if (old_key && old_key != new_key) scratch[keys::UniqueKeyEntry(*old_key, after.record_id())] = false;
  if (new_key) scratch[keys::UniqueKeyEntry(*new_key, after.record_id())] = true;
  std::optional<std::string> other;
  if (new_key && new_key == old_key) {
    // The key did not change: the record is not the later copy of anything
    // new (an edit of the first of two copies must not flag it too). Its
    // open finding stays while the other record still holds the key.
    for (const auto& c : after.conflicts()) {
      if (c.open() && c.kind() == wardsync::records::DUPLICATE &&
          HoldsKey(*new_key, c.duplicate_of(), scratch)) {
        entry.set_duplicate_of(c.duplicate_of());
        entry.set_duplicate_key(text);
        other = c.duplicate_of();
      }
    }
  } else if (new_key) {
    std::string rid = OtherWithKey(*new_key, after.record_id(), scratch);
    if (!rid.empty()) {
      entry.set_duplicate_of(rid);
      entry.set_duplicate_key(text);
      other = std::move(rid);
    }
  }
  reconcile::ReviewDuplicate(after, other, text, stamp, log_seq, outcome);
}

SubmissionResult IngestGroup::Add(const Submission& submission) {
  SubmissionResult result;
  auto loaded = LoadDevice(submission.device_id);
  if (!loaded.ok()) {
    return Refuse(result, sync::AUTH_FAILED, "unknown device " + submission.device_id, 0);
  }
  Device device = std::move(loaded).value();
  result.acked_seq = device.last_seq();
  if (device.revoked() && !submission.accept_revoked) {
    // Revoked: refused, unless a drain admits what the device held at its
    // first contact after the revocation (server/ingest/drain.h).
    const uint64_t ceiling = DrainCeiling(device, ctx_.clock.NowMs());
    if (ceiling == 0) {
      return Refuse(result, sync::REVOKED, "device " + device.id() + " is revoked: " + device.revoked_reason(), 0);
    }
    const bool ready = submission.prepared.size() == submission.change_sets.size();
    size_t admitted = 0;
    uint64_t beyond = 0;
    for (; admitted < submission.change_sets.size(); ++admitted) {
      ChangeSetBody body;
      const ChangeSetBody* b = &body;
      if (ready) b = submission.prepared[admitted].body;
      else if (!changes_util::ParseBody(submission.change_sets[admitted], &body).ok()) break;  // refused below, in order
      if (b->seq() > ceiling) {
        beyond = b->seq();
        break;
      }
    }
    if (beyond != 0) {
      // Take what the drain admits, then refuse the first change-set made
      // after the device's first contact: new work of a revoked device.
      SubmissionResult r = result;
      if (admitted > 0) {
        Submission prefix;
        prefix.device_id = submission.device_id;
        prefix.change_sets.assign(submission.change_sets.begin(), submission.change_sets.begin() + admitted);
        if (ready) {
          for (size_t k = 0; k < admitted; ++k) prefix.prepared.push_back(std::move(submission.prepared[k]));
          prefix.arena = submission.arena;
          submission.prepared.clear();
        }
        held_.push_back(std::move(prefix));  // the group views its bodies until TakeBatch
        r = Add(held_.back());
        if (!r.ok()) return r;
      }
      return Refuse(r, sync::REVOKED,
                    "device " + device.id() + " is revoked (" + device.revoked_reason() +
                        "); the drain takes only the change-sets it held when it first connected after the "
                        "revocation (up to seq " +
                        std::to_string(ceiling) + "), not seq " + std::to_string(beyond),
                    beyond);
    }
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
  const bool sizes_checked = submission.content_limits && *submission.content_limits == ContentOf(ctx_.limits);
  for (size_t k = 0; k < submission.change_sets.size(); ++k) {
    const auto& cs = submission.change_sets[k];
    Parsed p{&cs, {}, {}};
    if (prepared) {
      p.body = submission.prepared[k].body;
      p.hash = std::move(submission.prepared[k].hash);
      p.content = std::move(submission.prepared[k].content);
      p.content_forms = submission.content_forms;
      if (sizes_checked) p.sizes = std::move(submission.prepared[k].sizes);
    } else {
      p.own = std::make_unique<ChangeSetBody>();
      p.body = p.own.get();
      if (!changes_util::ParseBody(cs, p.own.get()).ok()) {
        return Refuse(result, sync::BAD_FRAME, "change-set body does not parse", 0);
      }
    }
    if (p.body->device_id() != device.id()) {
      return Refuse(result, sync::FORBIDDEN,
                    "change-set claims device " + p.body->device_id() + " but was sent by device " + device.id(),
                    p.body->seq());
    }
    if (p.body->format() != 1) {
      return Refuse(result, sync::INVALID_CHANGE, "unsupported change-set format " + std::to_string(p.body->format()),
                    p.body->seq());
    }
    if (!prepared) p.hash = changes_util::BodyHash(cs);
    parsed.push_back(std::move(p));
  }
  submission.prepared.clear();  // consumed

  // 2. Replays first (acknowledged again), then the new run.
  size_t i = 0;
  for (; i < parsed.size() && parsed[i].body->seq() <= device.last_seq(); ++i) {
    const Parsed& p = parsed[i];
    std::string held;
    Status s = p.body->seq() == 0 ? Status::NotFound("seq 0") : StoredHash(device.id(), p.body->seq(), &held);
    if (!s.ok()) {
      return Refuse(result, sync::BAD_CHAIN, "change-set seq " + std::to_string(p.body->seq()) + " is not valid",
                    p.body->seq());
    }
    if (held != p.hash) {
      return Refuse(result, sync::BAD_CHAIN,
                    "fork: change-set seq " + std::to_string(p.body->seq()) + " differs from the one already accepted",
                    p.body->seq());
    }
    ++result.duplicates;
  }
  if (i == parsed.size()) return result;

  // Links of the new run.
  std::string prev_hash = device.last_hash();
  uint64_t expect = device.last_seq() + 1;
  for (size_t j = i; j < parsed.size(); ++j, ++expect) {
    const Parsed& p = parsed[j];
    if (p.body->seq() != expect) {
      return Refuse(result, sync::BAD_CHAIN,
                    (p.body->seq() > expect ? "gap: expected change-set seq " : "out of order: expected change-set seq ") +
                        std::to_string(expect) + ", got " + std::to_string(p.body->seq()),
                    p.body->seq());
    }
    if (p.body->prev_hash() != prev_hash) {
      return Refuse(result, sync::BAD_CHAIN,
                    "broken link: change-set seq " + std::to_string(p.body->seq()) +
                        " does not name the hash of the previous change-set",
                    p.body->seq());
    }
    prev_hash = p.hash;
  }

  // 3. Signatures, by the one rule verify applies (signature_runs.h): the
  //    head of each run (one key epoch; a key rotation ends its run) must
  //    carry a valid signature by its epoch's key, and vouches through the
  //    hash chain for the run's earlier change-sets, whose signatures, if
  //    sent, are dropped unread. A rotation's own signature by the old key
  //    vouches for the new key, which counts for the change-sets after it.
  Device keyed = device;  // the device's keys as this push's rotations leave them
  changes_util::SignatureRuns runs;
  for (size_t j = i; j < parsed.size(); ++j) {
    Parsed& p = parsed[j];
    const ChangeSetBody& body = *p.body;
    auto key = SigningKey(keyed, body.key_epoch(), body.seq());
    if (!key.ok()) return Refuse(result, sync::BAD_SIGNATURE, key.status().message(), body.seq());
    p.head = changes_util::EndsRun(body, j + 1 < parsed.size() ? parsed[j + 1].body : nullptr);
    if (p.head && p.signed_cs->signature().empty()) {
      return Refuse(result, sync::BAD_SIGNATURE,
                    "change-set seq " + std::to_string(body.seq()) +
                        " ends its signature run but carries no signature (a push carries one per run, on its last "
                        "change-set)",
                    body.seq());
    }
    Status s = runs.Next(body, p.signed_cs->body(), p.head ? std::string_view(p.signed_cs->signature()) : "",
                         (*key)->public_key());
    if (!s.ok()) return Refuse(result, sync::BAD_SIGNATURE, s.message(), body.seq());
    if (body.has_rotate_key()) {
      s = AddRotatedKey(keyed, body, 0);
      if (!s.ok()) return Refuse(result, sync::BAD_SIGNATURE, s.message(), body.seq());
    }
  }
  // Every run ended on a signed head, so nothing is left open; checked all
  // the same, as verify does at a chain's end.
  if (Status s = runs.Finish(); !s.ok()) return Refuse(result, sync::BAD_SIGNATURE, s.message(), parsed.back().body->seq());

  // 4./5. Apply one by one. ApplyNew leaves `device` as it was when it
  // refuses, so the group takes the device row once, as the last accepted
  // change-set leaves it (not a copy per change-set).
  PrefetchRecords(parsed, i);
  for (size_t j = i; j < parsed.size(); ++j) {
    SubmissionResult one = ApplyNew(device, parsed[j], submission.exempt_quota);
    if (!one.ok()) {
      if (j > i) devices_[device.id()] = device;
      if (j > i && !parsed[j - 1].head) KeepRunProof(device, parsed, j - 1);
      one.acked_seq = device.last_seq();
      one.accepted = result.accepted;
      one.duplicates = result.duplicates;
      one.changes = result.changes;
      one.rejected = result.rejected;
      return one;
    }
    ++result.accepted;
    result.changes += one.changes;
    result.rejected += one.rejected;
  }
  devices_[device.id()] = device;
  result.acked_seq = device.last_seq();
  return result;
}

// Why `change` cannot be applied as far as the published forms and wards
// tell ("" = it can): unknown ward, unknown form or version, invalid fields.
// What only the record can tell (exists? rule broken?) is Apply's part.
std::string IngestGroup::CheckContent(const FormsSnapshot::Data& forms, const RecordState& record,
                                      const Change& change) {
  // A REVIEW, like a RESOLVE, is about the record as it is: its form and ward.
  const bool resolve = change.op() == Change::RESOLVE || change.op() == Change::REVIEW;
  // A RESOLVE on a placeholder can only dismiss (checked by Apply): the form
  // it names may be the very reason its change was rejected.
  if (resolve && record.placeholder()) return "";
  if (!resolve && forms.wards.wards_size() > 0) {
    bool known = false;
    for (const auto& w : forms.wards.wards()) known = known || w.id() == change.ward();
    if (!known) return "unknown ward " + change.ward();
  }
  const bool exists = !record.record_id().empty();
  const std::string form_id = resolve && exists ? record.form_id() : change.form_id();
  const uint32_t form_version = resolve && exists ? record.form_version() : change.form_version();
  const auto* form = forms.registry.Find(form_id, form_version);
  if (!form) return "unknown form " + form_id + " version " + std::to_string(form_version);
  if (change.op() != Change::DELETE && change.op() != Change::REVIEW) {
    const bool marker = resolve && change.sets_size() == 1 && change.sets(0).field() == reconcile::kDeletedMarkerField;
    if (!marker) {
      Status s = forms_util::ValidateChangeFields(*form, change);
      if (!s.ok()) return s.message();
    }
  }
  return "";
}

std::string IngestGroup::OverLimits(const RecordState& before, const RecordState& after) const {
  const auto& limits = ctx_.limits;
  std::map<std::string, int> had;
  for (const auto& c : before.conflicts()) had[c.id()] = c.candidates_size();
  for (const auto& c : after.conflicts()) {
    if (!c.open() || static_cast<uint32_t>(c.candidates_size()) <= limits.max_candidates_per_field) continue;
    auto it = had.find(c.id());
    if (it != had.end() && it->second >= c.candidates_size()) continue;  // not grown by this change
    return "conflict " + c.id() + " already holds " + std::to_string(c.candidates_size() - 1) +
           " competing values (limit " + std::to_string(limits.max_candidates_per_field) +
           "): a reviewer must decide it before another value is taken";
  }
  const size_t size = after.ByteSizeLong();
  if (size > limits.max_record_bytes && size > before.ByteSizeLong()) {
    return "the record would grow to " + std::to_string(size) + " bytes, over the limit of " +
           std::to_string(limits.max_record_bytes) + " bytes (a record must fit in one pull frame)";
  }
  return "";
}

SubmissionResult IngestGroup::ApplyNew(Device& device, const Parsed& p, bool exempt_quota) {
  SubmissionResult r;
  const ChangeSetBody& body = *p.body;
  const uint64_t now = ctx_.clock.NowMs();
  // Sizes first: an honest client keeps to them at capture (it learned them
  // from HelloReply.limits), so only a hostile one is refused here.
  // Checked already on an io thread when the limits are still the ones it used.
  std::string sizes = p.sizes.value_or("");
  if (!p.sizes) {
    if (Status s = wire::CheckChangeSetBody(body, p.signed_cs->body().size(), ContentOf(ctx_.limits)); !s.ok())
      sizes = s.message();
  }
  if (!sizes.empty()) {
    return Refuse(r, sync::LIMIT_EXCEEDED, "change-set seq " + std::to_string(body.seq()) + ": " + sizes, body.seq());
  }
  const uint64_t volume = p.signed_cs->body().size();
  if (quota_ && !exempt_quota) {
    if (Status s = quota_->Check(device, volume, now); !s.ok())
      return Refuse(r, sync::BUSY, s.message(), body.seq());
  }
  // A fast clock is accepted, its stamp clamped (clock_bound.h); noted on
  // the device once the change-set is accepted (below).
  const BoundedHlc hlc = BoundHlc(body.hlc(), now, ctx_.limits.max_clock_skew_ms);
  // Too many changes is the content's fault, not the chain's: the change-set
  // is accepted and each of its changes kept as rejected (none applied).
  std::string too_many;
  // `device` changes only once nothing can refuse the change-set any more
  // (Add keeps the device row as the last accepted one left it): a key
  // rotation is checked and added on a copy, taken below.
  std::optional<Device> rotated;
  if (body.has_rotate_key()) {
    // Checked in Add already (signature by the old key, proof by the new);
    // recorded here, in order, with the change-set that carries it.
    rotated = device;
    Status s = AddRotatedKey(*rotated, body, now);
    if (!s.ok()) return Refuse(r, sync::BAD_SIGNATURE, s.message(), body.seq());
  } else if (static_cast<uint32_t>(body.changes_size()) > ctx_.limits.max_changes_per_changeset) {
    too_many = "the change-set has " + std::to_string(body.changes_size()) + " changes (allowed 1.." +
               std::to_string(ctx_.limits.max_changes_per_changeset) + "); none of them was applied";
  }
  CompactArena();  // before `scratch` points into the arena
  auto forms = ctx_.forms.Get();
  const reconcile::RuleCheck rules = evaluator_.Rules();
  RecordMap scratch;
  KeyMap scratch_keys;
  WriteBatch& writes = writes_;  // reused: its room, and that of the messages below, is kept
  writes.Clear();
  uint64_t log_seq = log_head_;
  wardsync::records::Stamp& stamp = stamp_;
  stamp.Clear();
  stamp.mutable_change()->set_device_id(device.id());
  stamp.mutable_change()->set_seq(body.seq());
  SetStampHlc(stamp, hlc);
  stamp.set_officer(body.officer());
  stamp.set_received_ms(now);

  for (int ci = 0; ci < body.changes_size(); ++ci) {
    const Change& change = body.changes(ci);
    // Only a refusal names the change-set: no text is made for an accepted one.
    const auto where = [&body] { return "change-set seq " + std::to_string(body.seq()) + ": "; };
    // A record id of another size is a malformed body (the key of every
    // record, conflict and index is made from it): refused like one.
    if (change.record_id().size() != 16) {
      return Refuse(r, sync::INVALID_CHANGE, where() + "record id must be 16 bytes", body.seq());
    }
    auto loaded = LoadRecord(change.record_id(), scratch);
    if (!loaded.ok()) return Refuse(r, sync::INTERNAL, loaded.status().message(), body.seq());
    RecordState* const record_at = *loaded;
    RecordState& record = *record_at;  // on arena_: the moves below between arena_ records are swaps
    // A placeholder keeps the ward of the change it holds: only that ward's
    // officers (and reviewers, admins) may write it.
    Status s = Authorize(device, change, record.record_id().empty() ? "" : record.ward());
    if (!s.ok()) return Refuse(r, sync::FORBIDDEN, where() + s.message(), body.seq());
    ++log_seq;
    const std::string& rid = change.record_id();
    // Everything past this point is about the change's content: it is either
    // applied or kept as REJECTED with its reason, never refused (refusing
    // would block the device's chain for good).
    // Checked already on an io thread when the forms are still the ones it used.
    const bool checked = p.content_forms == forms && static_cast<size_t>(ci) < p.content.size() && p.content[ci];
    std::string rejected = !too_many.empty() ? too_many : checked ? *p.content[ci] : CheckContent(*forms, record, change);
    if (record.quarantined()) {
      rejected = "the record is quarantined (wardsync-server quarantine): it takes no change until released";
    }
    reconcile::ApplyOutcome outcome;
    wardsync::store::LogEntry& entry = log_entry_;
    entry.Clear();
    bool not_kept = false;
    if (rejected.empty()) {
      RecordState& next = *NewRecord();
      next = record;
      // A CREATE (or an UPDATE of a placeholder, which acts as one) leaves
      // the record holding exactly the change's field sets, which the
      // content check above accepted against these forms: its evaluation
      // need not look for unknown fields or bad values again.
      const bool from_scratch =
          change.op() == Change::CREATE || (change.op() == Change::UPDATE && record.placeholder());
      evaluator_.Begin(forms, from_scratch);
      auto applied = reconcile::Apply(next, change, stamp, log_seq,
                                      [&](const wardsync::changes::ChangeId& id, const std::string& field) {
                                        return BaseValue(id, rid, field);
                                      },
                                      rules);
      if (!applied.ok()) {
        rejected = applied.status().message();
      } else if ((change.op() == Change::CREATE || change.op() == Change::UPDATE) && !applied->concurrent &&
                 applied->saw_record && !next.deleted()) {
        // The editor saw the whole record: a broken cross-field rule is its
        // own doing. (Merged edits that did not see each other open a RULE
        // conflict instead, in Apply.)
        s = evaluator_.Validate(next, forms->registry.Find(change.form_id(), change.form_version()));
        if (!s.ok()) rejected = s.message();
      }
      if (rejected.empty()) rejected = OverLimits(record, next);
      if (rejected.empty()) {
        outcome = std::move(applied).value();
        ReviewUniqueKey(*forms, record, next, stamp, log_seq, scratch_keys, outcome, entry);
        record = std::move(next);
      }
    }
    if (!rejected.empty()) {
      // Kept as a REJECTED conflict when the record can hold one more;
      // otherwise (or quarantined) only the log entry says why.
      RecordState& kept = *NewRecord();
      kept = record;
      not_kept = true;
      if (!record.quarantined()) {
        auto held = reconcile::Reject(kept, change, stamp, static_cast<uint32_t>(ci), log_seq, rejected);
        if (OverLimits(record, kept).empty()) {
          outcome = std::move(held);
          record = std::move(kept);
          not_kept = false;
        }
      }
      ++r.rejected;
    } else {
      ++r.changes;
    }
    for (const auto& id : outcome.opened) writes.Put(keys::OpenConflict(id), rid);
    for (const auto& id : outcome.closed) writes.Delete(keys::OpenConflict(id));
    entry.set_device_id(device.id());
    entry.set_seq(body.seq());
    entry.set_change_index(static_cast<uint32_t>(ci));
    entry.set_record_id(rid);
    // A record that could not even hold the rejection and never existed
    // stays unstored; its log entry is in the change's ward.
    const std::string ward = record.record_id().empty() ? change.ward() : record.ward();
    entry.set_ward(ward);
    entry.set_rejected(rejected);
    entry.set_not_kept(not_kept);
    PutProto(writes, keys::Log(log_seq), entry);
    writes.Put(keys::WardLog(ward, log_seq), rid);
    writes.Put(keys::RecordLog(rid, log_seq), "");
    if (!record.record_id().empty()) scratch[rid] = record_at;
  }

  // Accepted: join the group. (last_stored_ is the previous change-set's
  // until here: KeepRunProof may need it after a refusal above.)
  wardsync::store::StoredChangeSet& stored = last_stored_;
  stored.Clear();
  stored.mutable_signed_()->set_body(p.signed_cs->body());
  if (p.head) stored.mutable_signed_()->set_signature(p.signed_cs->signature());  // verified in Add; no other is
  stored.set_received_ms(now);
  if (hlc.clamped()) stored.set_clamped_hlc(hlc.hlc);
  stored.set_first_log_seq(log_head_ + 1);
  PutProto(writes, keys::ChangeSet(device.id(), body.seq()), stored);
  for (auto& [id, rec] : scratch) records_[id] = rec;
  for (auto& [entry, present] : scratch_keys) {
    if (present) {
      writes.Put(entry, "");
    } else {
      writes.Delete(entry);
    }
    ukeys_[entry] = present;
  }
  accepted_[{device.id(), body.seq()}] = Accepted{p.hash, p.signed_cs->body()};
  pending_.Append(writes);
  log_head_ = log_seq;
  if (rotated) device = std::move(*rotated);
  NoteStampSkew(device, hlc, now);
  device.set_last_seq(body.seq());
  device.set_last_hash(p.hash);
  if (quota_ && !exempt_quota) quota_->Count(device, volume, now);  // written with the change-set
  return r;
}

void IngestGroup::KeepRunProof(const Device& device, const std::vector<Parsed>& parsed, size_t kept) {
  size_t head = kept + 1;
  while (!parsed[head].head) ++head;  // the push's last change-set is always a head
  auto* proof = last_stored_.mutable_run_proof();
  for (size_t k = kept + 1; k <= head; ++k) proof->add_later_bodies(parsed[k].signed_cs->body());
  proof->set_signature(parsed[head].signed_cs->signature());
  // The same key again, later in the batch: this value is the one written.
  PutProto(pending_, keys::ChangeSet(device.id(), parsed[kept].body->seq()), last_stored_);
}

WriteBatch IngestGroup::TakeBatch() {
  WriteBatch batch;
  batch.Append(std::move(pending_));
  for (const auto& [id, d] : devices_) PutProto(batch, keys::Device(id), d);
  for (const auto& [id, rec] : records_) PutProto(batch, keys::Record(id), *rec);
  std::string head;
  wardsync::keys::AppendU64(&head, log_head_);
  batch.Put(std::string(keys::kLogHead), head);
  devices_.clear();
  records_.clear();
  arena_->Reset();  // the records are serialized into the batch
  accepted_.clear();
  held_.clear();
  return batch;
}

}  // namespace wardsync::server

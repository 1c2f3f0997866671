#include "client/store/client_store.h"
#include "client/store/outbox_record_ids.h"

#include <algorithm>
#include <map>
#include <set>

#include "client/store/client_keys.h"
#include "client/sync/clock_offset.h"
#include "common/changes/changeset.h"
#include "common/clock/record_hlc.h"
#include "common/crypto/digest.h"
#include "common/reconcile/overlay.h"
#include "common/store/proto_io.h"
#include "common/wire/record_scan.h"

namespace wardsync::client {

using wardsync::changes::ChangeSetBody;
using wardsync::changes::SignedChangeSet;
using wardsync::records::RecordState;
using wardsync::records::Stamp;

namespace {

template <typename M>
Result<std::optional<M>> GetOptional(KvReader& kv, std::string_view key) {
  M msg;
  Status s = GetProto(kv, key, &msg);
  if (s.not_found()) return std::optional<M>();
  if (!s.ok()) return s;
  return std::optional<M>(std::move(msg));
}

Status LoadState(KvReader& kv, store::SyncState* state) {
  Status s = GetProto(kv, keys::kState, state);
  if (s.not_found()) {
    state->Clear();
    return Status::Ok();
  }
  return s;
}

Status LoadOutbox(KvStore& kv, uint64_t seq, store::OutboxEntry* entry, ChangeSetBody* body) {
  Status s = GetProto(kv, keys::Outbox(seq), entry);
  if (s.not_found()) return Status::Corruption("outbox entry " + std::to_string(seq) + " is missing");
  WS_RETURN_IF_ERROR(s);
  if (body != nullptr && !body->ParseFromString(entry->signed_().body())) {
    return Status::Corruption("outbox entry " + std::to_string(seq) + " does not hold a change-set body");
  }
  return Status::Ok();
}

std::string Hex(std::string_view raw) { return changes_util::RecordIdText(raw); }

// Whether any key under `prefix` is live (one seek).
Result<bool> AnyKey(KvReader& kv, std::string_view prefix) {
  auto it = kv.Scan(prefix);
  if (it->Valid()) return true;
  WS_RETURN_IF_ERROR(it->status());
  return false;
}

void Absorb(uint64_t* hlc, uint64_t seen) { *hlc = std::max(*hlc, seen); }

}  // namespace

// ------------------------------------------------------------ config, state

Result<store::ClientConfig> ClientStore::Config() {
  store::ClientConfig config;
  Status s = GetProto(kv_, keys::kConfig, &config);
  if (s.not_found()) return Status::NotFound("this device is not enrolled (no client configuration)");
  if (!s.ok()) return s;
  return config;
}

Status ClientStore::SaveConfig(const store::ClientConfig& config) {
  auto lock = Lock();
  store::ClientConfig held;
  Status s = GetProto(kv_, keys::kConfig, &held);
  if (!s.ok() && !s.not_found()) return s;
  store::SyncState state;
  WS_RETURN_IF_ERROR(LoadState(kv_, &state));
  if (s.ok() && !held.device_id().empty() && held.device_id() != config.device_id() && state.last_seq() > 0) {
    return Status::Precondition("this store holds " + std::to_string(state.last_seq()) +
                                " change-sets of device " + held.device_id() +
                                "; it cannot take another device identity");
  }
  WriteBatch batch;
  PutProto(batch, std::string(keys::kConfig), config);
  return kv_.Write(batch, /*sync=*/true);
}

Result<store::SyncState> ClientStore::State() {
  store::SyncState state;
  WS_RETURN_IF_ERROR(LoadState(kv_, &state));
  return state;
}

// ------------------------------------------------------------------- forms

Result<forms_util::FormRegistry> ClientStore::Forms() {
  forms_util::FormRegistry registry;
  auto it = kv_.Scan(keys::kFormPrefix);
  for (; it->Valid(); it->Next()) {
    forms::FormDef def;
    if (!def.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption("a stored form definition does not parse");
    }
    Status s = registry.Add(std::move(def));
    if (!s.ok()) return Status::Corruption("stored form definition refused: " + s.message());
  }
  WS_RETURN_IF_ERROR(it->status());
  auto lists = kv_.Scan(keys::kChoiceListPrefix);
  for (; lists->Valid(); lists->Next()) {
    forms::ChoiceListDef list;
    if (!list.ParseFromArray(lists->value().data(), static_cast<int>(lists->value().size()))) {
      return Status::Corruption("a stored choice list does not parse");
    }
    Status s = registry.AddChoiceList(std::move(list));
    if (!s.ok()) return Status::Corruption("stored choice list refused: " + s.message());
  }
  WS_RETURN_IF_ERROR(lists->status());
  return registry;
}

Result<std::shared_ptr<const forms_util::FormRegistry>> ClientStore::CachedForms() {
  auto lock = Lock();
  if (!forms_cache_) {
    auto loaded = Forms();
    if (!loaded.ok()) return loaded.status();
    forms_cache_ = std::make_shared<const forms_util::FormRegistry>(std::move(loaded).value());
  }
  return forms_cache_;
}

Result<forms::WardList> ClientStore::Wards() {
  forms::WardList wards;
  Status s = GetProto(kv_, keys::kWards, &wards);
  if (s.not_found()) return forms::WardList();
  if (!s.ok()) return s;
  return wards;
}

Result<std::shared_ptr<const forms::WardList>> ClientStore::CachedWards() {
  auto lock = Lock();
  if (!wards_cache_) {
    auto loaded = Wards();
    if (!loaded.ok()) return loaded.status();
    wards_cache_ = std::make_shared<const forms::WardList>(std::move(loaded).value());
  }
  return wards_cache_;
}

Status ClientStore::ReplaceForms(const std::vector<forms::FormDef>& defs, const forms::WardList& wards,
                                 uint64_t epoch, const std::vector<forms::ChoiceListDef>& choice_lists) {
  auto lock = Lock();
  auto registry = Forms();
  if (!registry.ok()) return registry.status();
  WriteBatch batch;
  for (const auto& def : defs) {
    const bool held = registry->Find(def.id(), def.version()) != nullptr;
    Status s = registry->Add(def);  // checks the definition; refuses a changed (id, version)
    if (!s.ok()) {
      return Status(s.code(), "form " + def.id() + " version " + std::to_string(def.version()) +
                                  " from the server is refused: " + s.message());
    }
    if (!held) PutProto(batch, keys::Form(def.id(), def.version()), def);
  }
  for (const auto& list : choice_lists) {
    Status s = registry->AddChoiceList(list);  // checks it; refuses a changed (id, version)
    if (!s.ok()) {
      return Status(s.code(), "choice list " + list.id() + " version " + std::to_string(list.version()) +
                                  " from the server is refused: " + s.message());
    }
    PutProto(batch, keys::ChoiceList(list.id(), list.version()), list);  // the same bytes again if held
  }
  PutProto(batch, std::string(keys::kWards), wards);
  store::SyncState state;
  WS_RETURN_IF_ERROR(LoadState(kv_, &state));
  state.set_forms_epoch(epoch);
  PutProto(batch, std::string(keys::kState), state);
  forms_cache_.reset();  // reloaded on next use, whether or not the write succeeds
  wards_cache_.reset();
  return kv_.Write(batch, /*sync=*/true);
}

// ----------------------------------------------------------------- records

Result<std::optional<RecordState>> ClientStore::LocalRecord(const std::string& record_id) {
  // One view for both reads: a pull stored between them (srv/ rewritten,
  // loc/ dropped) must not show half of the old state and half of the new.
  auto view = kv_.NewReadView();
  auto local = GetOptional<RecordState>(*view, keys::LocalRecord(record_id));
  if (!local.ok() || local->has_value()) return local;
  return GetOptional<RecordState>(*view, keys::ServerRecord(record_id));
}

Result<std::optional<RecordState>> ClientStore::ServerRecord(const std::string& record_id) {
  return GetOptional<RecordState>(kv_, keys::ServerRecord(record_id));
}

Status ClientStore::ForEachLocal(std::optional<std::string> form_id,
                                 const std::function<void(const RecordState&)>& fn) {
  // loc/ and srv/ merged in record id order, loc/ winning (client_keys.h),
  // both read from one state of the store. Declared in this order so the
  // iterators go before their view.
  auto view = kv_.NewReadView();
  auto loc = view->Scan(keys::kLocalRecordPrefix);
  auto srv = view->Scan(keys::kServerRecordPrefix);
  RecordState r;
  while (loc->Valid() || srv->Valid()) {
    // A failed iterator is not Valid(): stop before the other one's records
    // stand in for the records it would have given.
    WS_RETURN_IF_ERROR(loc->status());
    WS_RETURN_IF_ERROR(srv->status());
    // Views into the iterators' keys: used only before the Next() calls below.
    const std::string_view loc_id = loc->Valid() ? loc->key().substr(keys::kLocalRecordPrefix.size()) : "";
    const std::string_view srv_id = srv->Valid() ? srv->key().substr(keys::kServerRecordPrefix.size()) : "";
    const bool take_local = loc->Valid() && (!srv->Valid() || loc_id <= srv_id);
    KvIterator& it = take_local ? *loc : *srv;
    if (!r.ParseFromArray(it.value().data(), static_cast<int>(it.value().size()))) {
      return Status::Corruption((take_local ? "local record " : "server record ") +
                                Hex(take_local ? loc_id : srv_id) + " does not parse");
    }
    if (take_local && srv->Valid() && loc_id == srv_id) srv->Next();  // the server view it overlays
    it.Next();
    if (form_id && r.form_id() != *form_id) continue;
    fn(r);
  }
  WS_RETURN_IF_ERROR(loc->status());
  return srv->status();
}

// ------------------------------------------------------------------ outbox

Result<std::vector<store::OutboxEntry>> ClientStore::PendingBatch(uint64_t after_seq, size_t max_count,
                                                                  size_t max_bytes, std::string* recorded_hash) {
  std::vector<store::OutboxEntry> out;
  if (max_count == 0) return out;
  size_t bytes = 0;
  // One view for the outbox and the state: a save made meanwhile (the
  // agent syncs while the officer works) must not show half of itself.
  auto view = kv_.NewReadView();
  auto it = view->Scan(keys::kOutboxPrefix, after_seq == UINT64_MAX ? keys::Outbox(after_seq)
                                                                    : keys::Outbox(after_seq + 1));
  for (; it->Valid(); it->Next()) {
    if (keys::OutboxSeq(it->key()) <= after_seq) continue;
    // Full: the entry here is the batch's successor, read only for the
    // hash it names (in this scan: a Get of its own would probe the
    // table files again, and enough such probes set off a compaction).
    if (out.size() == max_count && recorded_hash == nullptr) break;
    store::OutboxEntry e;
    if (!e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption("outbox entry " + std::to_string(keys::OutboxSeq(it->key())) + " does not parse");
    }
    const size_t size = e.signed_().ByteSizeLong();
    if (out.size() == max_count || (!out.empty() && bytes + size > max_bytes)) {
      if (recorded_hash != nullptr) {
        ChangeSetBody next;
        if (!next.ParseFromString(e.signed_().body())) {
          return Status::Corruption("outbox entry " + std::to_string(keys::OutboxSeq(it->key())) +
                                    " does not hold a change-set body");
        }
        *recorded_hash = next.prev_hash();
      }
      return out;
    }
    bytes += size;
    out.push_back(std::move(e));
  }
  WS_RETURN_IF_ERROR(it->status());
  if (recorded_hash != nullptr && !out.empty()) {
    // The batch reaches the newest change-set: the state recorded its hash
    // in the write that saved it.
    store::SyncState state;
    WS_RETURN_IF_ERROR(LoadState(*view, &state));
    ChangeSetBody last;
    if (!last.ParseFromString(out.back().signed_().body())) {
      return Status::Corruption("the newest outbox entry does not hold a change-set body");
    }
    if (last.seq() != state.last_seq()) {
      return Status::Corruption("the outbox ends at change-set " + std::to_string(last.seq()) +
                                " but this device's newest is " + std::to_string(state.last_seq()));
    }
    *recorded_hash = state.last_hash();
  }
  return out;
}

Result<uint64_t> ClientStore::PendingCount() {
  store::SyncState state;
  WS_RETURN_IF_ERROR(LoadState(kv_, &state));
  return state.last_seq() - std::min(state.acked_seq(), state.last_seq());
}

Result<uint64_t> ClientStore::OldestPendingMs() {
  auto it = kv_.Scan(keys::kOutboxPrefix);
  if (!it->Valid()) {
    WS_RETURN_IF_ERROR(it->status());
    return uint64_t{0};
  }
  store::OutboxEntry e;
  if (!e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
    return Status::Corruption("outbox entry " + std::to_string(keys::OutboxSeq(it->key())) + " does not parse");
  }
  return e.created_ms();
}

Status ClientStore::CommitChangeSet(const SignedChangeSet& signed_cs, const std::vector<RecordState>& new_local,
                                    uint64_t created_ms) {
  ChangeSetBody body;
  WS_RETURN_IF_ERROR(changes_util::ParseBody(signed_cs, &body));
  auto lock = Lock();
  store::SyncState state;
  WS_RETURN_IF_ERROR(LoadState(kv_, &state));
  if (body.seq() != state.last_seq() + 1) {
    return Status::Precondition("change-set seq " + std::to_string(body.seq()) + " does not follow the last one (" +
                                std::to_string(state.last_seq()) + ")");
  }
  if (body.prev_hash() != state.last_hash()) {
    return Status::Precondition("change-set seq " + std::to_string(body.seq()) +
                                " does not link to the previous change-set");
  }
  // Every change-set is signed in the epoch the device is in now; a key
  // rotation moves the device to the next epoch in this same write.
  if (body.key_epoch() != state.key_epoch()) {
    return Status::Precondition("change-set seq " + std::to_string(body.seq()) + " names key epoch " +
                                std::to_string(body.key_epoch()) + " but this device signs in epoch " +
                                std::to_string(state.key_epoch()) + " (its key was rotated; run the command again)");
  }
  const bool rotates = body.has_rotate_key();
  if (rotates) {
    if (body.changes_size() != 0 || !new_local.empty()) return Status::Invalid("a key rotation carries no changes");
    if (body.rotate_key().epoch() != state.key_epoch() + 1) {
      return Status::Invalid("a key rotation must name the next epoch");
    }
  } else if (body.changes_size() == 0) {
    return Status::Invalid("a change-set needs at least one change");
  }

  WriteBatch batch;
  store::OutboxEntry entry;
  *entry.mutable_signed_() = signed_cs;
  entry.set_created_ms(created_ms);
  PutProto(batch, keys::Outbox(body.seq()), entry);
  std::set<std::string> touched;
  for (const auto& change : body.changes()) {
    if (change.record_id().size() != 16) return Status::Invalid("change-set names a malformed record id");
    if (touched.insert(change.record_id()).second) batch.Put(keys::Pending(change.record_id(), body.seq()), "");
  }
  for (const auto& r : new_local) {
    if (!touched.count(r.record_id())) {
      return Status::Invalid("local record " + Hex(r.record_id()) + " is not touched by change-set " +
                             std::to_string(body.seq()));
    }
    PutProto(batch, keys::LocalRecord(r.record_id()), r);
  }
  state.set_last_seq(body.seq());
  state.set_last_hash(changes_util::BodyHash(signed_cs));
  state.set_hlc(std::max(state.hlc(), body.hlc()));
  if (rotates) {
    state.set_key_epoch(body.rotate_key().epoch());
    state.set_key_public_key(body.rotate_key().public_key());
    state.set_rotation_seq(body.seq());
  }
  PutProto(batch, std::string(keys::kState), state);
  return kv_.Write(batch, /*sync=*/true);
}

Status ClientStore::Acknowledge(uint64_t acked_seq) {
  auto lock = Lock();
  store::SyncState state;
  WS_RETURN_IF_ERROR(LoadState(kv_, &state));
  if (acked_seq <= state.acked_seq()) return Status::Ok();
  if (acked_seq > state.last_seq()) {
    return Status::Precondition("the server acknowledges change-set " + std::to_string(acked_seq) +
                                " but this device has made only " + std::to_string(state.last_seq()));
  }
  WriteBatch batch;
  // From the first entry not yet acknowledged: the ones before it are
  // deleted, and a scan from the prefix would step over every one of their
  // tombstones again on each acknowledgement of a long backlog.
  auto it = kv_.Scan(keys::kOutboxPrefix, keys::Outbox(state.acked_seq() + 1));
  std::vector<std::string> record_ids;
  for (; it->Valid(); it->Next()) {
    const uint64_t seq = keys::OutboxSeq(it->key());
    if (seq > acked_seq) break;
    record_ids.clear();
    if (!AppendOutboxRecordIds(it->value(), &record_ids).ok()) {
      return Status::Corruption("outbox entry " + std::to_string(seq) + " does not parse");
    }
    for (const auto& id : record_ids) batch.Delete(keys::Pending(id, seq));
    batch.Delete(std::string(it->key()));
  }
  WS_RETURN_IF_ERROR(it->status());
  // loc/ is left as it is: an acknowledged change stays in the local view
  // (client_keys.h) until a pull stores the record's server view, which
  // then drops loc/ (nothing pending) or overlays what is still pending.
  state.set_acked_seq(acked_seq);
  PutProto(batch, std::string(keys::kState), state);
  return kv_.Write(batch, /*sync=*/true);
}

// -------------------------------------------------------------------- pull

Result<std::optional<std::vector<RecordState>>> ClientStore::PendingLocalRecords(size_t max) {
  auto lock = Lock();
  std::vector<std::string> ids;  // pend/ keys are <rid><seq>: one record's seqs are adjacent
  auto it = kv_.Scan(keys::kPendingPrefix);
  for (; it->Valid(); it->Next()) {
    const std::string_view key = it->key();
    if (key.size() != keys::kPendingPrefix.size() + 16 + 8) return Status::Corruption("malformed pend/ key");
    std::string id(key.substr(keys::kPendingPrefix.size(), 16));
    if (ids.empty() || ids.back() != id) ids.push_back(std::move(id));
    if (ids.size() > max) return std::optional<std::vector<RecordState>>();
  }
  WS_RETURN_IF_ERROR(it->status());
  std::vector<RecordState> out;
  for (const auto& id : ids) {
    auto local = LocalRecord(id);
    if (!local.ok()) return local.status();
    if (local->has_value()) out.push_back(std::move(**local));
  }
  return std::optional<std::vector<RecordState>>(std::move(out));
}

Status ClientStore::PendingFor(const std::string& record_id, PendingChanges* out) {
  out->clear();
  std::vector<uint64_t> seqs;
  auto it = kv_.Scan(keys::PendingPrefix(record_id));
  for (; it->Valid(); it->Next()) seqs.push_back(keys::PendingSeq(it->key()));
  WS_RETURN_IF_ERROR(it->status());
  for (uint64_t seq : seqs) {
    store::OutboxEntry entry;
    ChangeSetBody body;
    WS_RETURN_IF_ERROR(LoadOutbox(kv_, seq, &entry, &body));
    Stamp stamp;
    stamp.mutable_change()->set_device_id(body.device_id());
    stamp.mutable_change()->set_seq(body.seq());
    stamp.set_hlc(body.hlc());
    stamp.set_officer(body.officer());
    stamp.set_received_ms(0);
    for (const auto& change : body.changes()) {
      if (change.record_id() == record_id) out->emplace_back(change, stamp);
    }
  }
  return Status::Ok();
}

RecordState ClientStore::Overlay(const RecordState& server_view, const PendingChanges& pending) {
  RecordState view = server_view;
  if (pending.empty()) return view;
  if (reconcile::OverlayPending(view, pending).ok()) return view;
  // Some pending change no longer applies (e.g. it resolves a conflict the
  // server has closed since). Keep every change that does, in order; the
  // outbox still carries the refused one, for the server to judge.
  PendingChanges kept;
  for (const auto& p : pending) {
    kept.push_back(p);
    RecordState trial = server_view;
    if (!reconcile::OverlayPending(trial, kept).ok()) kept.pop_back();
  }
  view = server_view;
  // Cannot fail: `kept` holds exactly the changes that applied above, in order.
  (void)reconcile::OverlayPending(view, kept);
  return view;
}

Status ClientStore::ApplyPull(const std::vector<RecordState>& records, uint64_t cursor, bool durable) {
  std::vector<PulledRecord> pulled;
  pulled.reserve(records.size());
  for (const auto& r : records) pulled.push_back({r.record_id(), r.log_seq(), LargestHlc(r), {}, &r});
  return ApplyPulled(pulled, cursor, durable);
}

Status ClientStore::ApplyPullPage(const std::vector<std::string_view>& received,
                                  const google::protobuf::RepeatedPtrField<RecordState>& completed, uint64_t cursor,
                                  bool durable) {
  std::vector<PulledRecord> pulled;
  pulled.reserve(received.size() + static_cast<size_t>(completed.size()));
  for (size_t i = 0; i < received.size(); ++i) {
    wire::PulledRecordHead head;
    if (!wire::ScanRecordHead(received[i], &head)) {
      return Status::Invalid("pulled record " + std::to_string(i + 1) + " of the page is not a well-formed record");
    }
    pulled.push_back({head.record_id, head.log_seq, head.largest_hlc, received[i], nullptr});
  }
  for (const auto& r : completed) pulled.push_back({r.record_id(), r.log_seq(), LargestHlc(r), {}, &r});
  return ApplyPulled(pulled, cursor, durable);
}

Status ClientStore::ApplyPulled(const std::vector<PulledRecord>& records, uint64_t cursor, bool durable) {
  auto lock = Lock();
  store::SyncState state;
  WS_RETURN_IF_ERROR(LoadState(kv_, &state));
  if (cursor < state.pull_cursor()) {
    return Status::Precondition("pull cursor would move backwards (held " + std::to_string(state.pull_cursor()) +
                                ", got " + std::to_string(cursor) + ")");
  }
  const bool any_pending = state.last_seq() > state.acked_seq();
  // A server view with nothing of ours on top is stored under srv/ alone and
  // any loc/ of the record is dropped (client_keys.h). loc/ keys are written
  // only by a device's own change-sets, or were written for every pulled
  // record before session 12; a device that never made a change-set and
  // holds no loc/ key has none to drop, and cannot get one before this write
  // (the lock is held), so it writes no tombstones: a fresh device's first
  // pull. The probe is one seek, and only such a device makes it: one that
  // captures drops a loc/ key with each record it pulls back, and a seek
  // from loc/ would step over all of those tombstones until LevelDB
  // compacts them away.
  bool may_hold_local = true;
  if (state.last_seq() == 0 && !records.empty()) {
    auto any = AnyKey(kv_, keys::kLocalRecordPrefix);
    if (!any.ok()) return any.status();
    may_hold_local = *any;
  }
  if (srv_bound_ == SrvBound::kNotProbed && !records.empty()) {
    auto any = AnyKey(kv_, keys::kServerRecordPrefix);
    if (!any.ok()) return any.status();
    srv_bound_ = *any ? SrvBound::kUnknown : SrvBound::kKnown;
  }
  WriteBatch batch;
  std::map<std::string, uint64_t> written;  // record id -> log_seq written by this batch
  PendingChanges pending;
  uint64_t hlc = state.hlc();
  for (const auto& r : records) {
    if (r.record_id.size() != 16) return Status::Invalid("pulled record has a malformed record id");
    const std::string id(r.record_id);
    uint64_t held_seq = 0;
    if (auto w = written.find(id); w != written.end()) {
      held_seq = w->second;
    } else if (srv_bound_ == SrvBound::kKnown && r.log_seq >= srv_log_seq_bound_) {
      // No stored server view can be newer than this one: no read needed
      // (a fresh device's first pull, pages in log order).
    } else {
      auto held = ServerRecord(id);
      if (!held.ok()) return held.status();
      if (held->has_value()) held_seq = (*held)->log_seq();
    }
    if (r.log_seq < held_seq) continue;  // never replace a newer server view with an older one
    written[id] = r.log_seq;
    // Raised before the write, whatever its outcome: a bound too high only
    // costs reads, one too low would let an older view replace a newer one.
    srv_log_seq_bound_ = std::max(srv_log_seq_bound_, r.log_seq);
    Absorb(&hlc, r.largest_hlc);
    if (any_pending) {
      WS_RETURN_IF_ERROR(PendingFor(id, &pending));
    } else {
      pending.clear();
    }
    if (pending.empty()) {
      // Nothing of ours on top: the local view is the server's, stored once.
      if (may_hold_local) batch.Delete(keys::LocalRecord(id));
    } else if (r.parsed) {
      PutProto(batch, keys::LocalRecord(id), Overlay(*r.parsed, pending));
    } else {
      RecordState view;
      if (!view.ParseFromArray(r.bytes.data(), static_cast<int>(r.bytes.size()))) {
        return Status::Invalid("pulled record " + crypto::Hex(id) + " is not a well-formed record");
      }
      PutProto(batch, keys::LocalRecord(id), Overlay(view, pending));
    }
    // The bytes as received (the server's stored record), else the plain
    // serialization: a record completed from an own echo
    // (own_echo_client.h) is stored as the same record as the full one, not
    // necessarily the same bytes (a map's entries in any order). Digests
    // (common/echo/own_echo.h) make their own canonical bytes.
    batch.Put(keys::ServerRecord(id), r.parsed ? r.parsed->SerializeAsString() : std::string(r.bytes));
  }
  state.set_pull_cursor(cursor);
  state.set_hlc(hlc);
  PutProto(batch, std::string(keys::kState), state);
  return kv_.Write(batch, durable);
}

Status ClientStore::NoteSyncResult(bool success, const std::string& error, uint64_t now_ms) {
  auto lock = Lock();
  store::SyncState state;
  WS_RETURN_IF_ERROR(LoadState(kv_, &state));
  state.set_last_attempt_ms(now_ms);
  if (success) {
    state.set_last_success_ms(now_ms);
  } else {
    state.set_last_error(error);
    state.set_last_error_ms(now_ms);
  }
  WriteBatch batch;
  PutProto(batch, std::string(keys::kState), state);
  return kv_.Write(batch, /*sync=*/false);
}

Status ClientStore::NoteServerClock(uint64_t server_time_ms, uint64_t sent_ms, uint64_t received_ms,
                                    uint64_t max_skew_ms) {
  auto lock = Lock();
  store::SyncState state;
  WS_RETURN_IF_ERROR(LoadState(kv_, &state));
  RecordServerClock(state, server_time_ms, sent_ms, received_ms, max_skew_ms, ReadBootTime());
  WriteBatch batch;
  PutProto(batch, std::string(keys::kState), state);
  return kv_.Write(batch, /*sync=*/false);
}

Status ClientStore::SaveServerLimits(const sync::ServerLimits& limits) {
  auto lock = Lock();
  store::SyncState state;
  WS_RETURN_IF_ERROR(LoadState(kv_, &state));
  if (state.server_limits().SerializeAsString() == limits.SerializeAsString()) return Status::Ok();
  *state.mutable_server_limits() = limits;
  WriteBatch batch;
  PutProto(batch, std::string(keys::kState), state);
  return kv_.Write(batch, /*sync=*/false);
}

Result<std::string> ClientStore::LocalValue(std::string_view key) {
  std::string bytes;
  Status s = kv_.Get(key, &bytes);
  if (s.not_found()) return std::string();
  if (!s.ok()) return s;
  return bytes;
}

Status ClientStore::SaveLocalValue(std::string_view key, const std::string& bytes) {
  WriteBatch batch;
  if (bytes.empty()) {
    batch.Delete(std::string(key));
  } else {
    batch.Put(std::string(key), bytes);
  }
  return kv_.Write(batch, /*sync=*/false);
}

Result<std::string> ClientStore::TlsSession() { return LocalValue(keys::kTlsSession); }
Status ClientStore::SaveTlsSession(const std::string& bytes) { return SaveLocalValue(keys::kTlsSession, bytes); }
Result<std::string> ClientStore::PreferredServer() { return LocalValue(keys::kPreferredServer); }
Status ClientStore::SavePreferredServer(const std::string& address) {
  return SaveLocalValue(keys::kPreferredServer, address);
}

}  // namespace wardsync::client

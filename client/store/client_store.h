// The ward client's local store: configuration, sync state, form
// definitions, the server's view of records, the officer's view (server view
// plus own pending changes), and the outbox of change-sets not yet
// acknowledged (saved unsigned but for key rotations: the push signs each run's
// head; PROTOCOL.md, Signatures). Key layout in client_keys.h.
//
// Does not own the KvStore: the caller opens LevelDbStore at
// ClientPaths::db() and keeps it alive longer than this object. Use ONE
// ClientStore per KvStore: the lock below is what keeps concurrent
// read-modify-writes (background agent, forwarded officer commands) apart.
//
// Thread-safe. Every mutation runs under one (recursive) mutex and ends in
// exactly one write batch, so a crash leaves either all of an operation or
// none of it. Reads of single keys and iterations need no lock (LevelDB
// writes are atomic and iterators read a snapshot).
//
// Record ids in this API are the raw 16 bytes (changes_util::ParseRecordId
// turns the 32-hex text form into them).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/forms/form_registry.h"
#include "common/status.h"
#include "common/store/kv_store.h"
#include "proto/changes.pb.h"
#include "proto/forms.pb.h"
#include "proto/records.pb.h"
#include "proto/store.pb.h"

namespace wardsync::client {

class ClientStore {
 public:
  explicit ClientStore(KvStore& kv) : kv_(kv) {}
  ClientStore(const ClientStore&) = delete;
  ClientStore& operator=(const ClientStore&) = delete;

  // Holds the store's lock for a read-modify-write that spans several calls
  // (Capture: read config, state, forms and a record, build and sign, then
  // CommitChangeSet). Calls from the holding thread nest; other threads wait.
  [[nodiscard]] std::unique_lock<std::recursive_mutex> Lock() { return std::unique_lock(mu_); }

  // ---- configuration and state
  // NotFound (with a "not enrolled" message) before the device is enrolled.
  Result<store::ClientConfig> Config();
  // Durable. Refuses to change the device id once change-sets were made
  // under the old one (the chain belongs to that device).
  Status SaveConfig(const store::ClientConfig& config);
  // All zero before anything was stored.
  Result<store::SyncState> State();

  // ---- forms
  // Every stored form version and choice list.
  Result<forms_util::FormRegistry> Forms();
  // The same, parsed once and kept until ReplaceForms changes them (this
  // process holds the store, so nobody else can): a capture needs the forms
  // every time, and parsing them cost as much as signing the change-set.
  Result<std::shared_ptr<const forms_util::FormRegistry>> CachedForms();
  // Empty before the first sync.
  Result<forms::WardList> Wards();
  // The same, parsed once and kept until ReplaceForms changes it, as for
  // CachedForms: the list of the city's wards is read on every capture (is
  // this device's ward in it?) and parsing it cost an eighth of a capture.
  Result<std::shared_ptr<const forms::WardList>> CachedWards();
  // Stores every given form version (versions already held are kept; none is
  // ever deleted, since records may name it), replaces the ward list and sets
  // state.forms_epoch, in one durable write. A definition that differs from
  // the one held under the same (id, version) refuses the whole call. The
  // published choice lists (HelloReply 14) are kept the same way: every
  // version, never deleted, so old records' values stay valid.
  Status ReplaceForms(const std::vector<forms::FormDef>& forms, const forms::WardList& wards, uint64_t epoch,
                      const std::vector<forms::ChoiceListDef>& choice_lists = {});

  // ---- records
  // What the officer sees (loc/, else srv/: client_keys.h); nullopt if the
  // record is not known here.
  Result<std::optional<records::RecordState>> LocalRecord(const std::string& record_id);
  // Every local record (of one form if given), in record id order: loc/ and
  // srv/ merged, loc/ winning, both read from one state of the store.
  Status ForEachLocal(std::optional<std::string> form_id,
                      const std::function<void(const records::RecordState&)>& fn);
  // The server's view as last pulled; nullopt if never pulled.
  Result<std::optional<records::RecordState>> ServerRecord(const std::string& record_id);
  // The local view (LocalRecord) of every record a pending change-set
  // touches, in record id order (a record with neither loc/ nor srv/ is left
  // out); nullopt if there are more than
  // `max` such records (client/sync/own_echo_client.h).
  Result<std::optional<std::vector<records::RecordState>>> PendingLocalRecords(size_t max);

  // ---- outbox
  // Unacknowledged change-sets with seq > after_seq, ascending, at most
  // max_count and (after the first, which always comes) max_bytes of
  // stored bytes in all. With `recorded_hash`: also the hash the chain
  // recorded for the batch's last change-set when it was saved (the
  // prev_hash of the change-set after it, or the state's last_hash if it
  // is the newest), which a push checks a run head against before signing
  // it (changes_util::SignRunHeads).
  Result<std::vector<store::OutboxEntry>> PendingBatch(uint64_t after_seq, size_t max_count, size_t max_bytes,
                                                       std::string* recorded_hash = nullptr);
  Result<uint64_t> PendingCount();
  // created_ms of the oldest unacknowledged change-set; 0 if none.
  Result<uint64_t> OldestPendingMs();

  // Appends one change-set made on this device, in ONE durable write:
  // out/<seq>, pend/<record><seq> for every record it touches, the new local
  // records, and state (last_seq, last_hash = BodyHash, hlc). Refused
  // (nothing written) unless the body links to the chain: seq ==
  // state.last_seq + 1 and prev_hash == state.last_hash, and names the
  // device's current key epoch (state.key_epoch). Every record in new_local
  // must be one the change-set touches. A key rotation (body.rotate_key, no
  // changes, no records) also moves state to the new epoch: key_epoch,
  // key_public_key, rotation_seq.
  Status CommitChangeSet(const changes::SignedChangeSet& signed_cs,
                         const std::vector<records::RecordState>& new_local, uint64_t created_ms);

  // The server holds every change-set up to acked_seq durably: drops out/
  // and pend/ entries with seq <= acked_seq and sets state.acked_seq, in one
  // durable write. Idempotent; an acked_seq at or below the stored one is a
  // no-op; one above state.last_seq is refused (the server claims change-sets
  // this device never made).
  Status Acknowledge(uint64_t acked_seq);

  // Stores one pulled batch in ONE write: srv/<id> = each record; loc/<id> =
  // that record with this device's still-pending changes for it overlaid in
  // seq order, or deleted when none is pending (the record is then stored
  // once: client_keys.h); state.pull_cursor = cursor, and state.hlc absorbs every stamp
  // seen. A cursor below the stored one is refused; a pulled record older
  // (lower log_seq) than the stored server view is ignored.
  // durable=false skips the disk sync: the cursor still never runs ahead of
  // the records (one batch; LevelDB keeps a prefix of its batches after a
  // crash), so a crash can only lose the latest pages with their cursor,
  // which the next round pulls again. The next synced write of this store
  // makes them durable too.
  Status ApplyPull(const std::vector<records::RecordState>& records, uint64_t cursor, bool durable = true);
  // The same for a pull page (client/sync/pulled_page.h): `received`, the
  // records as the bytes they came in, stored as they are without being
  // parsed (their id, log_seq and stamps are read from the bytes:
  // wire::ScanRecordHead; a record is parsed only to overlay pending
  // changes on it), then `completed`, records the device completed from own
  // echoes (serialized). A received record that is not a well-formed
  // record refuses the whole page: nothing is written.
  Status ApplyPullPage(const std::vector<std::string_view>& received,
                       const google::protobuf::RepeatedPtrField<records::RecordState>& completed, uint64_t cursor,
                       bool durable = true);

  // Bookkeeping of a sync attempt (not synced to disk): last_attempt_ms
  // always; last_success_ms on success; last_error/last_error_ms on failure.
  // An error is current while last_error_ms > last_success_ms.
  Status NoteSyncResult(bool success, const std::string& error, uint64_t now_ms);
  // Stores a measurement of the server's clock in the state
  // (client/sync/clock_offset.h, RecordServerClock). Not synced to disk:
  // the next sync measures it again.
  Status NoteServerClock(uint64_t server_time_ms, uint64_t sent_ms, uint64_t received_ms, uint64_t max_skew_ms);

  // The server's limits from a hello reply (state.server_limits), for the
  // next round's first flight. Not synced to disk: losing them costs one
  // first flight at the protocol minimums.
  Status SaveServerLimits(const sync::ServerLimits& limits);

  // ---- TLS session resumption (opaque bytes made by client/sync)
  // "" if none is stored.
  Result<std::string> TlsSession();
  // Stores the bytes ("" forgets them). Not synced to disk: losing them
  // costs one full handshake, nothing else.
  Status SaveTlsSession(const std::string& bytes);

  // ---- which of the server's addresses answered last ("" if none): tried
  // first next time. Not synced to disk: losing it costs one try in order.
  Result<std::string> PreferredServer();
  Status SavePreferredServer(const std::string& address);

  // ---- the underlying store, for client/attach's own keys (att/)
  // Never for srv/ or loc/: ApplyPull's in-memory bound of srv/ log_seqs and
  // its "no loc/ key" probe hold only because every write of those keys goes
  // through this object, under its lock.
  KvStore& kv() { return kv_; }

 private:
  // A small unsynced local value under `key` ("" = absent).
  Result<std::string> LocalValue(std::string_view key);
  Status SaveLocalValue(std::string_view key, const std::string& bytes);
  // Pending (change, stamp) pairs of this device for one record, in seq order.
  using PendingChanges = std::vector<std::pair<changes::Change, records::Stamp>>;
  Status PendingFor(const std::string& record_id, PendingChanges* out);
  // The server view with the pending changes on top; a pending change the
  // view refuses is left out (it stays in the outbox for the server to judge).
  records::RecordState Overlay(const records::RecordState& server_view, const PendingChanges& pending);
  // One record of a pull as ApplyPulled stores it: as received (`bytes`,
  // `parsed` null until an overlay needs it) or as parsed (`parsed`,
  // serialized to store).
  struct PulledRecord {
    std::string_view record_id;
    uint64_t log_seq = 0;
    uint64_t largest_hlc = 0;
    std::string_view bytes;
    const records::RecordState* parsed = nullptr;
  };
  Status ApplyPulled(const std::vector<PulledRecord>& records, uint64_t cursor, bool durable);

  KvStore& kv_;
  // Whether srv_log_seq_bound_ bounds the log_seq of every srv/ record, so
  // that ApplyPull need not read the stored view of a record pulled with a
  // log_seq at or above it. Known only when the first ApplyPull of this
  // object found no srv/ key at all (a fresh device); every ApplyPull then
  // raises the bound. Kept in memory: this object is the store's only
  // writer (see the class comment), as for forms_cache_. Guarded by mu_.
  // A crash that loses unsynced pages ends the process, and this object
  // with it: the next one probes again, so the bound never outlives a write
  // it counted.
  enum class SrvBound { kNotProbed, kKnown, kUnknown };
  SrvBound srv_bound_ = SrvBound::kNotProbed;
  uint64_t srv_log_seq_bound_ = 0;
  std::shared_ptr<const forms_util::FormRegistry> forms_cache_;  // guarded by mu_; null = not loaded
  std::shared_ptr<const forms::WardList> wards_cache_;           // guarded by mu_; null = not loaded
  std::recursive_mutex mu_;
};

}  // namespace wardsync::client

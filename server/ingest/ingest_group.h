// One group commit: the change-sets of many submissions are checked
// (chain, signature, authority, form validation), reconciled into records,
// and turned into ONE durable write batch. Nothing is written here; the
// caller writes TakeBatch() with sync=true and only then reports results.
//
// Checks, in order, for each submitted change-set:
//   1. the body parses and claims the authenticated device;
//   2. chain: seq <= head is a replay (same bytes: acknowledged again,
//      other bytes: a fork, refused); seq == head+1 must link by prev_hash;
//      anything else is a gap;
//   3. signatures by the one rule `verify` applies too
//      (common/changes/signature_runs.h): one per run of the push (one key
//      epoch; a key rotation ends its run), on the run's head, by the key
//      its epoch names and only where that key is valid (a key retired by a
//      rotation signs nothing after it; see device_keys.h); the hash chain
//      vouches for the rest of the run. Only the heads' signatures are
//      stored; one sent on another change-set is dropped unread. If a later
//      check cuts a run, the last change-set kept from it is stored with the
//      run's proof (store.RunProof);
//   4. clock stamp not beyond the allowed skew;
//   4b. sizes (officer name, strings, fields, body; wire/content_limits.h)
//      refused with LIMIT_EXCEEDED, the device's daily quota with BUSY;
//   5. per change: authority (ward, role) - refused when it fails; then
//      ward and form known, fields valid, reconciled, and the resulting
//      record valid unless it merged concurrent edits (then a broken rule
//      opens a RULE conflict). A change failing any of these is NOT refused:
//      it is logged and kept as a REJECTED conflict on its record
//      (reconcile::Reject), and the change-set is accepted. So is a change
//      that would grow a conflict past max_candidates_per_field or the
//      record past max_record_bytes; if even the REJECTED conflict does not
//      fit, or the record is quarantined, the record is left as it was and
//      only the log entry says why.
// A refused change-set stops its submission: those before it are kept,
// nothing of it or after it is. Only what an honest client never produces
// is refused (see PROTOCOL.md "What the server checks").
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <google/protobuf/arena.h>

#include "common/reconcile/merge.h"
#include "common/store/kv_store.h"
#include "proto/records.pb.h"
#include "proto/store.pb.h"
#include "server/ingest/record_evaluator.h"
#include "server/ingest/submission.h"
#include "server/ingest/volume_quota.h"
#include "server/server_context.h"

namespace wardsync::server {

class IngestGroup {
 public:
  // quota: the per-device daily volume (nullptr: none).
  IngestGroup(ServerContext& ctx, uint64_t log_head, const VolumeQuota* quota = nullptr);

  // `submission` must outlive TakeBatch: the group views the bodies it accepts.
  SubmissionResult Add(const Submission& submission);
  // The write for everything accepted so far (devices, change-sets, log,
  // records, conflict index, log head).
  WriteBatch TakeBatch();
  uint64_t log_head() const { return log_head_; }
  bool has_writes() const { return !pending_.empty(); }

  // Why `change` cannot be applied as far as the published forms and wards
  // tell ("" = it can): unknown ward, unknown form or version, invalid
  // fields. Ingest keeps such a change as REJECTED; server front ends
  // (resolve, correct) refuse it before making it.
  static std::string CheckContent(const FormsSnapshot::Data& forms, const wardsync::records::RecordState& record,
                                  const wardsync::changes::Change& change);

  // Reads through this group's uncommitted state.
  Result<wardsync::store::Device> LoadDevice(const std::string& id);

 private:
  struct Parsed {
    const wardsync::changes::SignedChangeSet* signed_cs;
    // The submission's prepared body (on its arena), or `own`'s when it
    // came unprepared.
    const wardsync::changes::ChangeSetBody* body = nullptr;
    std::unique_ptr<wardsync::changes::ChangeSetBody> own;
    std::string hash;
    bool head = false;  // ends its signature run: its verified signature is stored
    std::vector<std::optional<std::string>> content;          // Submission::Prepared::content
    std::shared_ptr<const FormsSnapshot::Data> content_forms;  // what it was checked against
    std::optional<std::string> sizes;  // Submission::Prepared::sizes, when checked against today's limits
  };
  // Records live on arena_ (see NewRecord): the committer builds, copies
  // and drops thousands of them a group, each a tree of small messages and
  // strings (a field's value and stamp), and malloc/free of those was a
  // third of its work. A map holds the record's current version; versions a
  // change replaced stay on the arena until the group ends or CompactArena.
  using RecordMap = std::map<std::string, wardsync::records::RecordState*>;

  // An empty record on arena_.
  wardsync::records::RecordState* NewRecord();
  // A fresh copy (on arena_) of the record as this group sees it: `scratch`,
  // then the group, then the store; an empty record if none exists.
  Result<wardsync::records::RecordState*> LoadRecord(const std::string& id, const RecordMap& scratch);
  // Replaced versions are garbage on the arena; once it holds more than
  // limits.group_arena_compact_bytes, the live records move to a fresh
  // arena, so a group that edits one large record many times cannot grow
  // without bound.
  void CompactArena();
  // Reads, in one KvStore::MultiGet, the stored records that parsed[from..]
  // change and this group has not loaded yet, for LoadRecord (on
  // PostgreSQL one statement instead of one per record). Nothing else
  // writes the store while a group is open (one group per commit, on the
  // committer), so what it read stays current; the group's own changes are
  // in records_, which LoadRecord reads first. A failed read is only a
  // missed shortcut: LoadRecord reads those records one by one.
  void PrefetchRecords(const std::vector<Parsed>& parsed, size_t from);
  Status StoredHash(const std::string& device, uint64_t seq, std::string* hash);
  // Applies one new change-set; on success its effects join the group.
  SubmissionResult ApplyNew(wardsync::store::Device& device, const Parsed& cs, bool exempt_quota);
  // Why the record `applied` to `before` leaves cannot be stored ("" = it
  // can): a conflict grown past the candidates limit, or a stored state
  // past the record size limit (PROTOCOL.md, Limits).
  std::string OverLimits(const wardsync::records::RecordState& before, const wardsync::records::RecordState& after) const;
  // A later check refused parsed[kept + 1] inside a signature run: stores
  // parsed[kept] (the last one ApplyNew kept) again with the run's proof.
  void KeepRunProof(const wardsync::store::Device& device, const std::vector<Parsed>& parsed, size_t kept);
  std::optional<wardsync::changes::Value> BaseValue(const wardsync::changes::ChangeId& id, const std::string& record_id,
                                                    const std::string& field);

  // Unique-key index entries written by this group (entry -> present),
  // read before the store. `scratch`: this change-set's, merged on success.
  using KeyMap = std::map<std::string, bool>;
  // Another record holding `key` ("" none), through `scratch` and this group.
  std::string OtherWithKey(const std::string& key, const std::string& record_id, const KeyMap& scratch);
  // True if `record_id` holds `key` in the index (through `scratch` and this group).
  bool HoldsKey(const std::string& key, const std::string& record_id, const KeyMap& scratch);
  // Moves the record's index entry from its key in `before` to its key in
  // `after` and opens/closes its DUPLICATE conflict (opened only when the
  // key is new or changed: the later copy); notes the finding in
  // the change's log entry (replay takes it from there).
  void ReviewUniqueKey(const FormsSnapshot::Data& forms, const wardsync::records::RecordState& before,
                       wardsync::records::RecordState& after, const wardsync::records::Stamp& stamp,
                       uint64_t log_seq, KeyMap& scratch, wardsync::reconcile::ApplyOutcome& outcome,
                       wardsync::store::LogEntry& entry);

  ServerContext& ctx_;
  std::unique_ptr<google::protobuf::Arena> arena_;  // before every member pointing into it
  uint64_t log_head_;
  const VolumeQuota* quota_;  // limits only: counts live in device rows
  std::map<std::string, wardsync::store::Device> devices_;
  // Every record the group changed, by id: hashed, not ordered (a group of
  // a long backlog holds thousands; the batch does not care about order).
  std::unordered_map<std::string, wardsync::records::RecordState*> records_;
  std::unordered_map<std::string, std::optional<std::string>> prefetched_;  // record id -> stored bytes
  KeyMap ukeys_;
  // A change-set this group accepted: its hash (what the next one links
  // to) and its body (a later change's base), a view of the submission's
  // bytes (one copy of each body less per change-set).
  struct Accepted {
    std::string hash;
    std::string_view body;
  };
  std::map<std::pair<std::string, uint64_t>, Accepted> accepted_;  // (device, seq), this group
  std::deque<Submission> held_;  // submissions the group made itself (a drain's prefix): accepted_ views them
  WriteBatch pending_;                              // cs/, log/, wlog/, conf/ entries
  RecordEvaluator evaluator_;                       // rules and validation of each applied change, one evaluation
  wardsync::store::StoredChangeSet last_stored_;    // the last change-set ApplyNew stored (a cut run's proof joins it)
  // ApplyNew's per-change-set scratch, kept so that their room is reused.
  WriteBatch writes_;
  wardsync::records::Stamp stamp_;
  wardsync::store::LogEntry log_entry_;
};

}  // namespace wardsync::server

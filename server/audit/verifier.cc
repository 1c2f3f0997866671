#include "server/audit/verifier.h"

#include <google/protobuf/util/message_differencer.h>

#include "common/changes/changeset.h"
#include "common/changes/key_rotation.h"
#include "common/changes/signature_runs.h"
#include "common/store/proto_io.h"
#include "server/audit/logged_change.h"
#include "server/ingest/device_keys.h"
#include "server/store/server_keys.h"

namespace wardsync::server::audit {
namespace {

using wardsync::records::RecordState;
using wardsync::store::Device;

std::string CsName(const std::string& device, uint64_t seq) { return device + "/" + std::to_string(seq); }

class Verifier {
 public:
  Verifier(KvReader& store, VerifyReport& report) : store_(store), r_(report), reader_(store) {}

  Status Run(const VerifyOptions& options) {
    rules_ = options.rules;
    std::string head;
    Status s = store_.Get(keys::kLogHead, &head);
    if (!s.ok() && !s.not_found()) return s;
    r_.log_head = s.ok() ? wardsync::keys::ReadU64(head) : 0;
    r_.phase = "chains";
    WS_RETURN_IF_ERROR(Chains());
    if (!r_.ok) return Status::Ok();
    r_.phase = "log";
    WS_RETURN_IF_ERROR(Log());
    if (!r_.ok) return Status::Ok();
    if (options.replay) {
      r_.phase = "records";
      WS_RETURN_IF_ERROR(Records());
      if (!r_.ok) return Status::Ok();
      WS_RETURN_IF_ERROR(ReviewQueue());
      if (!r_.ok) return Status::Ok();
    }
    if (!options.unique_key) return Status::Ok();
    r_.phase = "unique keys";
    auto diff = DiffUniqueIndex(store_, options.unique_key, r_.log_head);
    if (!diff.ok()) return diff.status();
    r_.unique_keys = diff->indexed;
    if (!diff->first_problem.empty()) {
      const size_t more = diff->missing.size() + diff->stale.size() - 1;
      Break(diff->first_problem + (more ? " (and " + std::to_string(more) + " more)" : "") +
            "; `wardsync-server forms publish` repairs the index");
    }
    return Status::Ok();
  }

 private:
  // Records the first break; always returns false so callers can `return Break(...)`.
  bool Break(std::string what) {
    if (r_.ok) {
      r_.ok = false;
      r_.first_break = std::move(what);
    }
    return false;
  }
  Status Broken(std::string what) {
    Break(std::move(what));
    return Status::Ok();
  }

  // ---- 1. chains
  Status Chains() {
    auto it = store_.Scan(keys::kDevicePrefix);
    for (; it->Valid() && r_.ok; it->Next()) {
      const std::string id(it->key().substr(keys::kDevicePrefix.size()));
      Device d;
      if (!d.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        Break("device row dev/" + id + " does not parse");
        break;
      }
      if (d.id() != id) {
        Break("device row dev/" + id + " names device \"" + d.id() + "\"");
        break;
      }
      ++r_.devices;
      WS_RETURN_IF_ERROR(Chain(d));
    }
    WS_RETURN_IF_ERROR(it->status());
    if (!r_.ok) return Status::Ok();
    return Orphans();
  }

  Status Chain(const Device& row) {
    const std::string prefix = keys::ChangeSetPrefix(row.id());
    auto it = store_.Scan(prefix);
    uint64_t expect = 1;
    std::string prev_hash;
    uint32_t rotations = 0;
    changes_util::SignatureRuns runs;  // the rule ingest applies (signature_runs.h)
    Device now = row;
    for (; it->Valid(); it->Next(), ++expect) {
      const std::string_view rest = it->key().substr(prefix.size());
      const uint64_t seq = rest.size() == 8 ? wardsync::keys::ReadU64(rest) : 0;
      if (seq != expect) {
        return Broken("device " + row.id() + ": change-set " + std::to_string(expect) + " is missing (the next stored is " +
                      (seq ? std::to_string(seq) : "a malformed key") + ")");
      }
      // Ingest accepted more since we read the row: its keys may have
      // rotated since, so check against the row as it is now.
      if (seq > now.last_seq()) WS_RETURN_IF_ERROR(GetProto(store_, keys::Device(row.id()), &now));
      if (!CheckOne(now, seq, it->value(), &prev_hash, &rotations, runs)) return Status::Ok();
    }
    WS_RETURN_IF_ERROR(it->status());
    if (expect - 1 != now.last_seq()) {
      // Ingest may have accepted more since we read the row: read it again,
      // and the change-sets it now claims (written in the same batch as it).
      WS_RETURN_IF_ERROR(GetProto(store_, keys::Device(row.id()), &now));
      for (; expect <= now.last_seq(); ++expect) {
        std::string value;
        Status s = store_.Get(keys::ChangeSet(row.id(), expect), &value);
        if (s.not_found()) {
          return Broken("device " + row.id() + ": its row says " + std::to_string(now.last_seq()) +
                        " change-sets were accepted, but change-set " + std::to_string(expect) + " is not stored");
        }
        WS_RETURN_IF_ERROR(s);
        if (!CheckOne(now, expect, value, &prev_hash, &rotations, runs)) return Status::Ok();
      }
    }
    r_.signatures += runs.signatures_verified();
    if (Status s = runs.Finish(); !s.ok()) return Broken("device " + row.id() + ": " + s.message());
    const uint64_t stored_n = expect - 1;
    if (stored_n > now.last_seq()) {
      return Broken("device " + row.id() + ": change-set " + std::to_string(now.last_seq() + 1) +
                    " is stored but its row says only " + std::to_string(now.last_seq()) + " were accepted");
    }
    if (prev_hash != now.last_hash()) {
      return Broken("device " + row.id() + ": the hash of its last change-set " + std::to_string(stored_n) +
                    " is not the last_hash in its row");
    }
    // Every key but the enrollment key must come from a rotation in the chain.
    if (now.keys_size() != static_cast<int>(rotations) + 1) {
      return Broken("device " + row.id() + ": its row holds " + std::to_string(now.keys_size()) +
                    " keys, but its chain enrolled one and rotated " + std::to_string(rotations) + " times");
    }
    return Status::Ok();
  }

  // One stored change-set of the chain; false (and the break recorded) if it is broken.
  bool CheckOne(const Device& row, uint64_t seq, std::string_view value, std::string* prev_hash,
                uint32_t* rotations, changes_util::SignatureRuns& runs) {
    const std::string name = CsName(row.id(), seq);
    wardsync::store::StoredChangeSet stored;
    wardsync::changes::ChangeSetBody body;
    if (!stored.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return Break("change-set " + name + ": the stored value does not parse");
    }
    if (!changes_util::ParseBody(stored.signed_(), &body).ok()) {
      return Break("change-set " + name + ": its body does not parse (the stored bytes were altered)");
    }
    if (body.device_id() != row.id() || body.seq() != seq) {
      return Break("change-set " + name + ": its body claims to be " + CsName(body.device_id(), body.seq()));
    }
    if (body.prev_hash() != *prev_hash) {
      return Break("device " + row.id() + ": change-set " + std::to_string(seq) + " does not link to change-set " +
                   std::to_string(seq - 1) + " (prev_hash differs: the hash chain is broken)");
    }
    auto key = SigningKey(row, body.key_epoch(), seq);
    if (!key.ok()) return Break("change-set " + name + ": " + key.status().message());
    // Stored signatures are the run heads' (the rest vouched for by the hash
    // chain up to them), or a cut run's proof: exactly what ingest verified.
    const auto& sig = stored.signed_();
    Status vouched = stored.has_run_proof() && sig.signature().empty()
                         ? runs.NextWithRunProof(body, sig.body(), stored.run_proof().later_bodies(),
                                                 stored.run_proof().signature(), (*key)->public_key())
                         : runs.Next(body, sig.body(), sig.signature(), (*key)->public_key());
    if (!vouched.ok()) {
      return Break("device " + row.id() + ": " + vouched.message() +
                   " (the stored bytes were altered, or were stored without the proof ingest checked)");
    }
    ++r_.change_sets;
    if (body.has_rotate_key()) {
      // A key rotation: proven by the new key, and the row holds exactly
      // that key for the next epoch, from the next change-set on.
      Status s = changes_util::CheckRotation(body);
      if (!s.ok()) return Break("change-set " + name + ": " + s.message());
      const auto* added = KeyForEpoch(row, body.rotate_key().epoch());
      if (added == nullptr || added->public_key() != body.rotate_key().public_key() || added->from_seq() != seq + 1) {
        return Break("change-set " + name + ": rotates to key epoch " + std::to_string(body.rotate_key().epoch()) +
                     ", but the device row does not hold that key from change-set " + std::to_string(seq + 1));
      }
      ++*rotations;
      *prev_hash = changes_util::BodyHash(stored.signed_());
      return true;
    }
    if (stored.first_log_seq() == 0) return Break("change-set " + name + ": has no log position");
    // A change-set with no changes is accepted (an honest client never makes
    // one, but refusing it would block the chain): it logs nothing.
    // Change-sets are logged whole, in one write: entirely at or below the head we read, or above it.
    if (stored.first_log_seq() + body.changes_size() - 1 <= r_.log_head) {
      r_.changes += static_cast<uint64_t>(body.changes_size());
    }
    *prev_hash = changes_util::BodyHash(stored.signed_());
    return true;
  }

  // Change-sets stored under a device id that has no row.
  Status Orphans() {
    std::string start = "cs/";
    for (;;) {
      auto it = store_.Scan("cs/", start);
      if (!it->Valid()) return it->status();
      const std::string key(it->key());
      if (key.size() < 3 + 1 + 9 || key[key.size() - 9] != '/') {
        Break("malformed change-set key (" + std::to_string(key.size()) + " bytes)");
        return Status::Ok();
      }
      const std::string device = key.substr(3, key.size() - 3 - 9);
      std::string ignored;
      Status s = store_.Get(keys::Device(device), &ignored);
      if (s.not_found()) {
        Break("change-set " + CsName(device, wardsync::keys::ReadU64(key.substr(key.size() - 8))) +
              " belongs to no enrolled device");
        return Status::Ok();
      }
      WS_RETURN_IF_ERROR(s);
      start = keys::ChangeSetPrefix(device) + std::string(9, '\xff');  // past every key of this device
    }
  }

  // ---- 2. log
  Status Log() {
    auto it = store_.Scan(keys::kLogPrefix);
    uint64_t expect = 1;
    std::string ignored;
    for (; it->Valid() && expect <= r_.log_head; it->Next(), ++expect) {
      const std::string_view rest = it->key().substr(keys::kLogPrefix.size());
      const uint64_t seq = rest.size() == 8 ? wardsync::keys::ReadU64(rest) : 0;
      if (seq != expect) {
        Break("log: entry " + std::to_string(expect) + " is missing (the next stored is " +
              (seq ? std::to_string(seq) : "a malformed key") + ")");
        return Status::Ok();
      }
      const std::string at = "log entry " + std::to_string(seq);
      wardsync::store::LogEntry e;
      if (!e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        Break(at + " does not parse");
        return Status::Ok();
      }
      auto cs = reader_.Get(e.device_id(), e.seq());
      if (!cs.ok()) {
        Break(at + " points at change-set " + CsName(e.device_id(), e.seq()) + ": " + cs.status().message());
        return Status::Ok();
      }
      const auto& body = (*cs)->body;
      if (e.change_index() >= static_cast<uint32_t>(body.changes_size()) ||
          (*cs)->first_log_seq + e.change_index() != seq) {
        Break(at + " points at change " + std::to_string(e.change_index()) + " of change-set " +
              CsName(e.device_id(), e.seq()) + ", which is not logged there");
        return Status::Ok();
      }
      if (body.changes(static_cast<int>(e.change_index())).record_id() != e.record_id()) {
        Break(at + " names a record its change does not touch");
        return Status::Ok();
      }
      std::string scoped;
      Status s = store_.Get(keys::WardLog(e.ward(), seq), &scoped);
      if (!s.ok() && !s.not_found()) return s;
      if (s.not_found() || scoped != e.record_id()) {
        Break(at + " is missing from the pull index of ward " + e.ward() + " (its devices would never get it)");
        return Status::Ok();
      }
      s = store_.Get(keys::RecordLog(e.record_id(), seq), &ignored);
      if (!s.ok() && !s.not_found()) return s;
      if (s.not_found()) {
        Break(at + " is missing from the per-record index (history would not show it)");
        return Status::Ok();
      }
      ++r_.log_entries;
    }
    WS_RETURN_IF_ERROR(it->status());
    if (r_.log_entries < r_.log_head) {
      Break("log: entries end at " + std::to_string(r_.log_entries) + " but the log head is " +
            std::to_string(r_.log_head));
    } else if (r_.changes != r_.log_head) {
      Break("the stored change-sets hold " + std::to_string(r_.changes) + " changes up to log position " +
            std::to_string(r_.log_head) + ", but the log has " + std::to_string(r_.log_head) + " entries");
    }
    return Status::Ok();
  }

  // ---- 3. records
  Status Records() {
    auto it = store_.Scan(keys::kRecordPrefix);
    uint64_t indexed = 0;
    for (; it->Valid(); it->Next()) {
      const std::string rid(it->key().substr(keys::kRecordPrefix.size()));
      const std::string hex = changes_util::RecordIdText(rid);
      RecordState stored;
      if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
          stored.record_id() != rid) {
        Break("record " + hex + ": the stored value does not parse or names another record");
        return Status::Ok();
      }
      auto seqs = RecordLogSeqs(store_, rid, r_.log_head, /*scan_fallback=*/false);
      if (!seqs.ok()) return seqs.status();
      indexed += seqs->size();
      if (stored.log_seq() > r_.log_head) {
        ++r_.records_skipped;  // changed after we read the log head
        continue;
      }
      if (seqs->empty()) {
        Break("record " + hex + " has no change in the log");
        return Status::Ok();
      }
      RecordState replayed;
      Status s = ReplayRecord(reader_, *seqs, &replayed, {}, rules_);
      if (!s.ok()) {
        Break("record " + hex + ": " + s.message());
        return Status::Ok();
      }
      // Quarantine is an administrator's hold, not a change of the log.
      replayed.set_quarantined(stored.quarantined());
      google::protobuf::util::MessageDifferencer diff;
      std::string report;
      diff.ReportDifferencesToString(&report);
      if (!diff.Compare(replayed, stored)) {
        if (report.size() > 400) report = report.substr(0, 400) + "...";
        Break("record " + hex + ": replaying its " + std::to_string(seqs->size()) +
              " changes from the log does not give the stored record (" + report + ")");
        return Status::Ok();
      }
      ++r_.records;
      for (const auto& c : stored.conflicts()) {
        if (!c.open()) continue;
        std::string queued;
        Status q = store_.Get(keys::OpenConflict(c.id()), &queued);
        if (!q.ok() && !q.not_found()) return q;
        if (q.not_found() || queued != rid) {
          Break("open conflict " + c.id() + " is missing from the review queue (conf/)");
          return Status::Ok();
        }
        ++r_.open_conflicts;
      }
    }
    WS_RETURN_IF_ERROR(it->status());
    if (indexed != r_.log_head) {
      Break("the records' log indexes hold " + std::to_string(indexed) + " entries up to log position " +
            std::to_string(r_.log_head) + ": some log entries belong to no stored record");
    }
    return Status::Ok();
  }

  // Every queue entry names a conflict that is open (unless its record
  // changed after the head we read).
  Status ReviewQueue() {
    auto it = store_.Scan(keys::kOpenConflictPrefix);
    for (; it->Valid(); it->Next()) {
      const std::string id(it->key().substr(keys::kOpenConflictPrefix.size()));
      RecordState r;
      Status s = GetProto(store_, keys::Record(it->value()), &r);
      if (s.not_found()) {
        Break("the review queue lists conflict " + id + " of a record that does not exist");
        return Status::Ok();
      }
      WS_RETURN_IF_ERROR(s);
      if (r.log_seq() > r_.log_head) continue;
      bool open = false;
      for (const auto& c : r.conflicts()) open = open || (c.id() == id && c.open());
      if (!open) {
        Break("the review queue lists conflict " + id + ", which is not open in its record");
        return Status::Ok();
      }
    }
    return it->status();
  }

  KvReader& store_;
  VerifyReport& r_;
  ChangeSetReader reader_;
  reconcile::RuleCheck rules_;
};

}  // namespace

Result<VerifyReport> VerifyStore(KvReader& store, const VerifyOptions& options) {
  VerifyReport report;
  Verifier v(store, report);
  Status s = v.Run(options);
  if (!s.ok()) return s;
  return report;
}

}  // namespace wardsync::server::audit

// `verify`: re-checks what the server stores, from the bytes up, and stops
// at the first break.
//
//  1. chains    every device row (dev/): change-sets 1..last_seq stored
//               without a gap, each body parses and names its device and
//               seq, links to the previous one by prev_hash, is vouched
//               for by the signature rule ingest applies (common/changes/
//               signature_runs.h: the first stored signature at or after it,
//               in its key epoch, by that epoch's key valid for its seq, must
//               verify; a cut run's stored proof counts as one; nothing is
//               left uncovered at the chain's end), and the last
//               one's hash is the row's last_hash; every key rotation is
//               proven by its new key and matches the row's keys, which are
//               exactly the enrollment key and the rotations' keys; no
//               change-set belongs to an unknown device.
//  2. log       log/ is gap-free 1..log_head, every entry points at a stored
//               change (first_log_seq + change_index = its position, same
//               record) and has its scope (wlog/) and record (rlog/) index
//               entries; the stored changes number exactly log_head.
//  3. records   (unless skipped) replaying each record's changes from the
//               log with reconcile::Apply gives rec/ exactly; every log entry
//               belongs to a stored record; the review queue (conf/) lists
//               exactly the open conflicts.
//  4. unique keys (when options.unique_key is set) the ukey/ index holds
//               exactly the live records with a unique key (unique_index.h).
//
// Works on a store that `run` is writing: the log head is read first and
// everything committed after it is left out of the checks.
#pragma once
#include <cstdint>
#include <string>

#include "common/reconcile/merge.h"
#include "common/status.h"
#include "common/store/kv_store.h"
#include "server/audit/unique_index.h"

namespace wardsync::server::audit {

struct VerifyOptions {
  bool replay = true;
  // The rules replay reviews RULE conflicts with, as ingest does
  // (reconcile::FormRules of the published forms).
  reconcile::RuleCheck rules;
  // The key of a record (KeyOfPublished); unset: the index is not checked.
  UniqueKeyOf unique_key;
};

struct VerifyReport {
  bool ok = true;
  std::string first_break;      // set when !ok: what is broken, naming the key/device/seq
  std::string phase;            // "chains" | "log" | "records" (where it broke)
  uint64_t log_head = 0;
  uint64_t devices = 0;
  uint64_t change_sets = 0;
  uint64_t signatures = 0;      // signatures verified (one per stored run)
  uint64_t changes = 0;         // changes inside the checked change-sets (up to log_head)
  uint64_t log_entries = 0;
  uint64_t records = 0;         // records replayed and compared
  uint64_t records_skipped = 0; // changed while verify ran
  uint64_t open_conflicts = 0;
  uint64_t unique_keys = 0;     // records indexed under their unique key
};

// An error Status only when the store cannot be read at all; a broken store
// is a report with ok = false.
// `store` is best a read view (kv_store.h): `verify` on a running server
// then checks one instant of the store.
Result<VerifyReport> VerifyStore(KvReader& store, const VerifyOptions& options);

}  // namespace wardsync::server::audit

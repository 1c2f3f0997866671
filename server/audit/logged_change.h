// Reading the server's log back: one log entry -> the change it recorded,
// with the stamp ingest gave it, taken from the stored change-set bytes.
// Replaying a record's changes with reconcile::Apply in log order rebuilds
// the record exactly as ingest built it (same change, same stamp, same log
// position, same base lookup), which is what `history` shows step by step
// and what `verify` compares against rec/.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/reconcile/merge.h"
#include "common/status.h"
#include "common/store/kv_store.h"
#include "proto/changes.pb.h"
#include "proto/records.pb.h"
#include "proto/store.pb.h"

namespace wardsync::server::audit {

struct LoggedChange {
  uint64_t log_seq = 0;
  wardsync::store::LogEntry entry;
  wardsync::changes::Change change;
  wardsync::records::Stamp stamp;   // as ingest stamped it (received_ms = server receive time)
};

// Keeps the last few parsed change-set bodies: consecutive log entries
// usually come from one change-set.
class ChangeSetReader {
 public:
  struct Entry {
    wardsync::changes::ChangeSetBody body;
    uint64_t received_ms = 0;
    uint64_t clamped_hlc = 0;   // StoredChangeSet.clamped_hlc: the stamp ingest used instead of the body's
    uint64_t first_log_seq = 0;
  };
  explicit ChangeSetReader(KvReader& store) : store_(store) {}
  // cs/<device>/<seq>, parsed. NotFound when not stored, Corruption when it
  // does not parse. The pointer is valid until the next call.
  Result<const Entry*> Get(const std::string& device, uint64_t seq);
  // Loads log entry `log_seq` and the change it points at.
  Result<LoggedChange> Load(uint64_t log_seq);
  // What ingest used as a conflict's base value: the value change `version`
  // wrote to `field` of `record_id` (nullopt if none).
  std::optional<wardsync::changes::Value> BaseValue(const wardsync::changes::ChangeId& version,
                                                    const std::string& record_id, const std::string& field);

 private:
  KvReader& store_;
  std::map<std::string, Entry> cache_;   // "device/seq" -> entry; small, cleared when it grows
};

// The log positions of one record's changes, ascending, at most max_seq
// (rlog/ index; with scan_fallback, a record without index entries - a
// store written before the index existed - is looked up by scanning log/).
Result<std::vector<uint64_t>> RecordLogSeqs(KvReader& store, const std::string& record_id, uint64_t max_seq,
                                            bool scan_fallback = true);

// Replays the record's changes in log order from nothing. `step` (may be
// empty) sees each change with the record before and after it and what
// Apply reported.
using ReplayStep = std::function<void(const LoggedChange& change, const wardsync::records::RecordState& before,
                                      const wardsync::records::RecordState& after,
                                      const reconcile::ApplyOutcome& outcome)>;
// A log entry marked rejected replays as reconcile::Reject with its reason;
// every other one as reconcile::Apply with `rules` (pass
// reconcile::FormRules of the published forms, as ingest does).
Status ReplayRecord(ChangeSetReader& reader, const std::vector<uint64_t>& log_seqs,
                    wardsync::records::RecordState* record, const ReplayStep& step,
                    const reconcile::RuleCheck& rules);

}  // namespace wardsync::server::audit

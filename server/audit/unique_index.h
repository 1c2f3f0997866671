// The unique-key index (ukey/, server_keys.h) against the records: every
// live record whose form version declares a key and whose key fields are
// set has its entry, and every entry points at a record that holds that key
// now. `verify` reports what differs; `forms publish` (and `init --forms`)
// writes the missing entries and removes the stale ones, so records stored
// before the index existed (a server older than unique keys) are indexed.
//
// Indexing does not open DUPLICATE conflicts: findings are written in the
// log when a change is applied (replay takes them from there), so two old
// records with one key are found when either is next edited; meanwhile
// `report` itself never sums two reports of one polling area and checkpoint
// (report_turnout.h) or one area and level (report_votes.h).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/forms/form_registry.h"
#include "common/status.h"
#include "common/store/kv_store.h"
#include "proto/records.pb.h"

namespace wardsync::server::audit {

// The record's key (reconcile::UniqueKey with its own form version), or
// nullopt; `text` gets "field=value, ...".
using UniqueKeyOf = std::function<std::optional<std::string>(const wardsync::records::RecordState&, std::string* text)>;

// The key ingest gives a record: by the published form version it names
// (the registry must outlive the function).
UniqueKeyOf KeyOfPublished(const forms_util::FormRegistry& registry);

struct UniqueIndexDiff {
  uint64_t indexed = 0;                 // records that hold a key and have their entry
  std::vector<std::string> missing;     // entries to write
  std::vector<std::string> stale;       // entries to remove
  std::string first_problem;            // the first of them, for people; "" when none
};

// Records changed after `log_head` are not compared (0: compare all).
Result<UniqueIndexDiff> DiffUniqueIndex(KvReader& store, const UniqueKeyOf& key_of, uint64_t log_head = 0);

}  // namespace wardsync::server::audit

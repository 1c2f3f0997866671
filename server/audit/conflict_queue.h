// The review queue: open conflicts, found through the conf/ index that
// ingest keeps (conf/<conflict id> -> record id, open conflicts only), and
// any conflict (open or closed) by its id.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "common/status.h"
#include "common/store/kv_store.h"
#include "proto/records.pb.h"

namespace wardsync::server::audit {

// Calls fn for every open conflict (of one ward if given), in conflict id
// order. A conf/ entry whose record does not hold that conflict open is an
// inconsistency and reported as Corruption.
Status ForEachOpenConflict(KvStore& store, const std::optional<std::string>& ward,
                           const std::function<void(const wardsync::records::RecordState& record,
                                                    const wardsync::records::Conflict& conflict)>& fn);

// The record that holds conflict `conflict_id` ("<record hex>:<field>[#n]")
// and the conflict's index in it. InvalidArgument for a malformed id,
// NotFound when no record holds such a conflict.
struct FoundConflict {
  wardsync::records::RecordState record;
  int index = -1;
  const wardsync::records::Conflict& conflict() const { return record.conflicts(index); }
};
Result<FoundConflict> FindConflict(KvStore& store, const std::string& conflict_id);

}  // namespace wardsync::server::audit

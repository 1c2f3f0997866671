#include "server/audit/conflict_queue.h"

#include "common/changes/changeset.h"
#include "common/store/proto_io.h"
#include "server/store/server_keys.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

Status ForEachOpenConflict(KvStore& store, const std::optional<std::string>& ward,
                           const std::function<void(const RecordState&, const wardsync::records::Conflict&)>& fn) {
  auto it = store.Scan(keys::kOpenConflictPrefix);
  RecordState record;   // conflicts of one record are adjacent in id order: load it once
  for (; it->Valid(); it->Next()) {
    const std::string id(it->key().substr(keys::kOpenConflictPrefix.size()));
    const std::string rid(it->value());
    if (record.record_id() != rid) {
      Status s = GetProto(store, keys::Record(rid), &record);
      if (!s.ok()) {
        return Status::Corruption("open conflict " + id + " names record " + changes_util::RecordIdText(rid) +
                                  ", which cannot be read: " + s.message() + " (run wardsync-server verify)");
      }
    }
    if (ward && record.ward() != *ward) continue;
    const wardsync::records::Conflict* found = nullptr;
    for (const auto& c : record.conflicts()) {
      if (c.id() == id) found = &c;
    }
    if (found == nullptr) {
      return Status::Corruption("the review queue lists conflict " + id + " but its record holds no such conflict");
    }
    if (!found->open()) continue;  // resolved while we were listing (the index is read from a snapshot)
    fn(record, *found);
  }
  return it->status();
}

Result<FoundConflict> FindConflict(KvStore& store, const std::string& conflict_id) {
  const size_t colon = conflict_id.find(':');
  std::string raw;
  if (colon == std::string::npos || !changes_util::ParseRecordId(conflict_id.substr(0, colon), &raw)) {
    return Status::Invalid("\"" + conflict_id + "\" is not a conflict id (<record id>:<field>, as `conflicts` lists them)");
  }
  FoundConflict out;
  Status s = GetProto(store, keys::Record(raw), &out.record);
  if (s.not_found()) return Status::NotFound("no conflict " + conflict_id + ": record " + conflict_id.substr(0, colon) + " does not exist");
  if (!s.ok()) return s;
  for (int i = 0; i < out.record.conflicts_size(); ++i) {
    if (out.record.conflicts(i).id() == conflict_id) out.index = i;
  }
  if (out.index < 0) return Status::NotFound("no conflict " + conflict_id + " on record " + conflict_id.substr(0, colon));
  return out;
}

}  // namespace wardsync::server::audit

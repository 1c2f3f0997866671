#include "server/audit/unique_index.h"

#include "common/changes/changeset.h"
#include "common/reconcile/duplicates.h"
#include "common/store/proto_io.h"
#include "server/store/server_keys.h"

namespace wardsync::server::audit {

using wardsync::records::RecordState;

namespace {

constexpr size_t kRecordIdBytes = 16;

std::string Named(const RecordState& r) {
  return "record " + changes_util::RecordIdText(r.record_id()) + " (" + r.form_id() + "@" +
         std::to_string(r.form_version()) + ", ward " + r.ward() + ")";
}

}  // namespace

UniqueKeyOf KeyOfPublished(const forms_util::FormRegistry& registry) {
  return [&registry](const RecordState& r, std::string* text) -> std::optional<std::string> {
    const auto* form = registry.Find(r.form_id(), r.form_version());
    return form ? reconcile::UniqueKey(*form, r, text) : std::nullopt;
  };
}

Result<UniqueIndexDiff> DiffUniqueIndex(KvReader& store, const UniqueKeyOf& key_of, uint64_t log_head) {
  UniqueIndexDiff d;
  auto note = [&d](std::string problem) {
    if (d.first_problem.empty()) d.first_problem = std::move(problem);
  };
  // Every keyed record has its entry.
  auto recs = store.Scan(keys::kRecordPrefix);
  for (; recs->Valid(); recs->Next()) {
    RecordState r;
    if (!r.ParseFromArray(recs->value().data(), static_cast<int>(recs->value().size()))) {
      return Status::Corruption("a stored record does not parse");
    }
    if (log_head != 0 && r.log_seq() > log_head) continue;
    std::string text;
    const auto key = key_of(r, &text);
    if (!key) continue;
    const std::string entry = keys::UniqueKeyEntry(*key, r.record_id());
    std::string ignored;
    Status s = store.Get(entry, &ignored);
    if (s.ok()) {
      ++d.indexed;
      continue;
    }
    if (!s.not_found()) return s;
    note(Named(r) + " has the unique key " + text + " but is missing from the unique-key index (ukey/): a second "
         "report with that key would not be flagged DUPLICATE");
    d.missing.push_back(entry);
  }
  WS_RETURN_IF_ERROR(recs->status());
  // Every entry points at a live record that holds that key now.
  auto it = store.Scan(keys::kUniqueKeyPrefix);
  for (; it->Valid(); it->Next()) {
    const std::string entry(it->key());
    if (entry.size() < keys::kUniqueKeyPrefix.size() + kRecordIdBytes + 1 ||
        entry[entry.size() - kRecordIdBytes - 1] != '|') {
      note("a unique-key index entry is malformed (" + std::to_string(entry.size()) + " bytes)");
      d.stale.push_back(entry);
      continue;
    }
    const std::string rid = entry.substr(entry.size() - kRecordIdBytes);
    const std::string hex = changes_util::RecordIdText(rid);
    RecordState r;
    Status s = GetProto(store, keys::Record(rid), &r);
    if (!s.ok() && !s.not_found()) return s;
    if (s.ok() && log_head != 0 && r.log_seq() > log_head) continue;
    const auto key = s.ok() ? key_of(r, nullptr) : std::nullopt;
    if (key && entry == keys::UniqueKeyEntry(*key, rid)) continue;
    note("the unique-key index (ukey/) holds an entry for record " + hex +
         (s.not_found() ? ", which does not exist"
          : !key        ? ", which holds no unique key now (deleted, or a key field empty)"
                        : ", but under a key it no longer has") +
         ": it could flag a live report as its DUPLICATE");
    d.stale.push_back(entry);
  }
  WS_RETURN_IF_ERROR(it->status());
  return d;
}

}  // namespace wardsync::server::audit

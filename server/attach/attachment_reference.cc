#include "server/attach/attachment_reference.h"

#include "common/changes/changeset.h"
#include "common/store/proto_io.h"
#include "proto/records.pb.h"
#include "server/store/server_keys.h"

namespace wardsync::server::attach {

namespace sync = wardsync::sync;
using wardsync::changes::Attachment;
using wardsync::changes::Value;

namespace {

bool Names(const Value& v, const std::string& hash) {
  return v.kind_case() == Value::kAttachment && v.attachment().sha256() == hash;
}

}  // namespace

Result<std::optional<Attachment>> FindReference(KvStore& store, const std::string& scope, const std::string& record_id,
                                                const std::string& field, const std::string& hash, uint64_t size,
                                                Refusal* refusal) {
  const std::string not_named = "no stored record " + changes_util::RecordIdText(record_id) +
                                " of this device's scope names this attachment in field \"" + field + "\"";
  wardsync::records::RecordState record;
  Status s = GetProto(store, keys::Record(record_id), &record);
  if (s.not_found() || (s.ok() && !scope.empty() && record.ward() != scope)) {
    *refusal = Refusal{sync::NOT_REFERENCED, not_named};
    return std::optional<Attachment>();
  }
  if (!s.ok()) return s;
  std::optional<Attachment> found;
  auto it = record.fields().find(field);
  if (it != record.fields().end() && it->second.has_value() && Names(it->second.value(), hash)) {
    found = it->second.value().attachment();
  }
  for (const auto& c : record.conflicts()) {
    if (found) break;
    if (!c.open() || c.field() != field) continue;
    for (const auto& cand : c.candidates()) {
      if (cand.has_value() && Names(cand.value(), hash)) {
        found = cand.value().attachment();
        break;
      }
    }
  }
  if (!found) {
    *refusal = Refusal{sync::NOT_REFERENCED, not_named};
    return found;
  }
  if (found->size() != size) {
    *refusal = Refusal{sync::WRONG_SIZE, "offered " + std::to_string(size) + " bytes; the record says " +
                                             std::to_string(found->size())};
    return std::optional<Attachment>();
  }
  return found;
}

}  // namespace wardsync::server::attach

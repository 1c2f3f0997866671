#include "common/reconcile/duplicates.h"

#include "common/forms/value_text.h"
#include "common/reconcile/internal.h"

namespace wardsync::reconcile {

using records::Conflict;
using records::RecordState;

std::string DuplicateConflictId(std::string_view record_id_raw) { return ConflictId(record_id_raw, "duplicate"); }

std::optional<std::string> UniqueKey(const forms::FormDef& form, const RecordState& record, std::string* text) {
  if (form.unique_key_size() == 0 || record.deleted() || !Exists(record)) return std::nullopt;
  // Length-prefixed parts: no separator inside a value can make two keys equal.
  std::string key;
  auto part = [&key](std::string_view s) {
    key += std::to_string(s.size());
    key += ':';
    key.append(s);
  };
  part(record.form_id());
  part(record.ward());
  std::string shown;
  for (const auto& name : form.unique_key()) {
    auto it = record.fields().find(name);
    if (it == record.fields().end() || !it->second.has_value()) return std::nullopt;
    part(it->second.value().SerializeAsString());
    if (!shown.empty()) shown += ", ";
    shown += name + "=" + forms_util::FormatValue(it->second.value());
  }
  if (text != nullptr) *text = std::move(shown);
  return key;
}

void ReviewDuplicate(RecordState& record, const std::optional<std::string>& other, const std::string& key_text,
                     const records::Stamp& stamp, uint64_t log_seq, ApplyOutcome& out) {
  for (auto& c : *record.mutable_conflicts()) {
    if (c.kind() != records::DUPLICATE) continue;
    if (other && c.duplicate_of() == *other) return;  // open, or dismissed by a reviewer: stays as it is
    if (c.open()) {
      c.set_open(false);
      *c.mutable_resolved_by() = stamp;
      c.set_reason("the unique key no longer matches record " + internal::Hex(c.duplicate_of()));
      out.closed.push_back(c.id());
    }
  }
  if (!other) return;
  Conflict c;
  c.set_id(internal::UniqueConflictId(record, DuplicateConflictId(record.record_id())));
  c.set_kind(records::DUPLICATE);
  c.set_open(true);
  c.set_opened_seq(log_seq);
  c.set_duplicate_of(*other);
  c.set_unique_key(key_text);
  c.set_problem("same unique key as record " + internal::Hex(*other) + ": " + key_text);
  out.opened.push_back(c.id());
  *record.add_conflicts() = std::move(c);
}

}  // namespace wardsync::reconcile

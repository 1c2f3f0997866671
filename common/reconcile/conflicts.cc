// Conflict ids and lookup of a record's conflicts.
#include <string>

#include "common/reconcile/internal.h"
#include "common/reconcile/merge.h"

namespace wardsync::reconcile {

std::string ConflictId(std::string_view record_id_raw, std::string_view field) {
  std::string id = internal::Hex(record_id_raw);
  id += ':';
  id += field;
  return id;
}

const records::Conflict* FindOpenConflict(const records::RecordState& record, std::string_view field) {
  for (const auto& c : record.conflicts()) {
    if (c.open() && c.kind() == records::VALUES && c.field() == field) return &c;
  }
  return nullptr;
}

namespace internal {

std::string Hex(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char b : raw) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0f];
  }
  return out;
}

records::Conflict* FindOpenConflictMutable(records::RecordState& record, std::string_view field) {
  for (auto& c : *record.mutable_conflicts()) {
    if (c.open() && c.kind() == records::VALUES && c.field() == field) return &c;
  }
  return nullptr;
}

const records::Conflict* FindConflictById(const records::RecordState& record, std::string_view id) {
  for (const auto& c : record.conflicts()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

records::Conflict* FindConflictByIdMutable(records::RecordState& record, std::string_view id) {
  for (auto& c : *record.mutable_conflicts()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

std::string NewConflictId(const records::RecordState& record, std::string_view field) {
  return UniqueConflictId(record, ConflictId(record.record_id(), field));
}

std::string UniqueConflictId(const records::RecordState& record, const std::string& base) {
  if (FindConflictById(record, base) == nullptr) return base;
  for (uint64_t n = 2;; ++n) {
    std::string id = base + "#" + std::to_string(n);
    if (FindConflictById(record, id) == nullptr) return id;
  }
}

}  // namespace internal
}  // namespace wardsync::reconcile

#include "common/forms/field_path.h"

#include <openssl/rand.h>

#include "common/forms/form_check.h"

namespace wardsync::forms_util {

using wardsync::forms::FieldDef;

bool IsRowId(std::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<FieldPath> ParseFieldPath(std::string_view text) {
  FieldPath p;
  const size_t open = text.find('[');
  if (open == std::string_view::npos) {
    if (!IsFieldName(text)) return std::nullopt;
    p.field = std::string(text);
    return p;
  }
  const size_t close = text.find(']', open);
  if (close == std::string_view::npos) return std::nullopt;
  p.field = std::string(text.substr(0, open));
  p.row = std::string(text.substr(open + 1, close - open - 1));
  if (!IsFieldName(p.field) || !IsRowId(p.row)) return std::nullopt;
  std::string_view rest = text.substr(close + 1);
  if (rest.empty()) return p;
  if (rest[0] != '.' || !IsFieldName(rest.substr(1))) return std::nullopt;
  p.sub = std::string(rest.substr(1));
  return p;
}

std::string RowMarkerPath(std::string_view group, std::string_view row) {
  std::string out(group);
  out += '[';
  out += row;
  out += ']';
  return out;
}

std::string SubFieldPath(std::string_view group, std::string_view row, std::string_view sub) {
  std::string out = RowMarkerPath(group, row);
  out += '.';
  out += sub;
  return out;
}

const FieldDef* ResolveField(const wardsync::forms::FormDef& form, std::string_view path) {
  if (path.find('[') == std::string_view::npos) {
    // A top-level field, the common case: no parse, no copy (ingest resolves
    // every field of every change this way, twice).
    if (!IsFieldName(path)) return nullptr;
    const FieldDef* top = nullptr;
    for (const auto& f : form.fields()) {
      if (f.name() == path) top = &f;
    }
    return top;
  }
  auto p = ParseFieldPath(path);
  if (!p) return nullptr;
  const FieldDef* top = nullptr;
  for (const auto& f : form.fields()) {
    if (f.name() == p->field) top = &f;
  }
  if (top == nullptr) return nullptr;
  if (p->row.empty()) return top;
  if (top->type() != FieldDef::GROUP) return nullptr;
  if (p->sub.empty()) return top;
  for (const auto& f : top->fields()) {
    if (f.name() == p->sub) return &f;
  }
  return nullptr;
}

std::string NewRowId() {
  unsigned char bytes[6];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Without randomness two devices could pick the same id; the process
    // cannot do anything sensible here.
    std::abort();
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace wardsync::forms_util

// The set of form definitions a process knows, by (id, version). The client
// fills it from its store, the server from published packs; both look forms
// up here before validating a record or a change.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "proto/forms.pb.h"

namespace wardsync::forms_util {

// Not thread-safe: callers that share one registry across threads guard it.
// Pointers returned by Find/Latest/All stay valid for the registry's
// lifetime (definitions are never removed or replaced).
class FormRegistry {
 public:
  // Checks the definition (CheckFormDef) and stores it. A (id, version) is
  // immutable once published: records made against it must keep their
  // meaning, so a different definition under a known (id, version) is
  // refused (kAlreadyExists); adding an identical one again is a no-op.
  Status Add(wardsync::forms::FormDef form);

  const wardsync::forms::FormDef* Find(std::string_view id, uint32_t version) const;
  // Highest version of id, or nullptr when id is unknown.
  const wardsync::forms::FormDef* Latest(std::string_view id) const;
  // Every definition, sorted by id then version.
  std::vector<const wardsync::forms::FormDef*> All() const;

  // A field by stored name: "name", or a repeat group's "group[row]" (the
  // GROUP) and "group[row].sub" (the sub-field); see field_path.h.
  static const wardsync::forms::FieldDef* FindField(const wardsync::forms::FormDef& form, std::string_view name);

 private:
  // std::less<> lets Find look up a string_view without building a string.
  std::map<std::string, std::map<uint32_t, wardsync::forms::FormDef>, std::less<>> forms_;
};

}  // namespace wardsync::forms_util

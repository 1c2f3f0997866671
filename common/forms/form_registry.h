// The set of form definitions a process knows, by (id, version), and the
// choice lists they name. The client fills it from its store, the server
// from published packs; both look forms up here before validating a record
// or a change.
//
// A field with `choice_list` is resolved here: Find/Latest/All give a copy of
// the form whose such fields carry, as inline `choices`, every value of every
// version of the list (newest labels first), so the one validator checks a
// value against the published list without knowing lists exist. Published
// gives the forms exactly as published, for storing and sending on.
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

  // Checks the list (CheckChoiceList) and adds it; a (id, version) is
  // immutable as for forms. Forms naming it are resolved again.
  Status AddChoiceList(wardsync::forms::ChoiceListDef list);

  const wardsync::forms::FormDef* Find(std::string_view id, uint32_t version) const;
  // Highest version of id, or nullptr when id is unknown.
  const wardsync::forms::FormDef* Latest(std::string_view id) const;
  // Every definition, sorted by id then version.
  std::vector<const wardsync::forms::FormDef*> All() const;
  // The same, as published (choice_list fields without the resolved choices).
  std::vector<const wardsync::forms::FormDef*> Published() const;

  bool HasChoiceList(std::string_view id, uint32_t version) const;
  // Highest version of a choice list, or nullptr.
  const wardsync::forms::ChoiceListDef* LatestChoiceList(std::string_view id) const;
  // Every version of every list, sorted by id then version.
  std::vector<const wardsync::forms::ChoiceListDef*> ChoiceLists() const;

  // A field by stored name: "name", or a repeat group's "group[row]" (the
  // GROUP) and "group[row].sub" (the sub-field); see field_path.h.
  static const wardsync::forms::FieldDef* FindField(const wardsync::forms::FormDef& form, std::string_view name);

 private:
  struct Versions {
    wardsync::forms::FormDef published;
    wardsync::forms::FormDef resolved;  // choice_list fields with the lists' values as choices
  };
  void Resolve(wardsync::forms::FormDef* form) const;
  void ResolveFields(google::protobuf::RepeatedPtrField<wardsync::forms::FieldDef>* fields) const;

  // std::less<> lets Find look up a string_view without building a string.
  std::map<std::string, std::map<uint32_t, Versions>, std::less<>> forms_;
  std::map<std::string, std::map<uint32_t, wardsync::forms::ChoiceListDef>, std::less<>> lists_;
};

}  // namespace wardsync::forms_util

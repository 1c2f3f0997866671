// Building a resolution: the RESOLVE change a reviewer's device
// (client::Capture::Resolve / ResolveReview) and the server
// (`wardsync-server resolve`, server/admin/server_resolve.cc) make for a
// conflict: from a candidate number or a typed value (competing values,
// Build), or from typed field values or a dismissal (rule and rejected
// conflicts, BuildReview). One builder so both make exactly the same change
// for the same decision; each front end keeps its own checks of who may
// resolve, of a conflict already closed, and signs and stores the change.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "proto/changes.pb.h"
#include "proto/forms.pb.h"
#include "proto/records.pb.h"

namespace wardsync::resolution {

// The decision: exactly one of the two.
struct Choice {
  std::optional<size_t> pick;        // 1-based candidate number, as the conflict lists them
  std::optional<std::string> value;  // field conflict: typed value ("" clears); whole record: keep|delete
};

struct Resolution {
  wardsync::changes::Change change;  // RESOLVE, ready to be stamped and signed
  // The record must still satisfy its form's rules once this is applied:
  // true when it satisfies them now. A record already broken elsewhere
  // (merged concurrent edits) must stay resolvable, so it is not held to
  // them; nor is a whole-record (keep/delete) decision.
  bool keep_rules = false;
};

// `form` is the record's own form version (the server checks a resolution
// against it). Refused (Invalid / Precondition, with the reason) when the
// choice is not exactly one of pick and value, the candidate number is out of
// range, the field is not in the form, the value does not parse or the form
// refuses it, or a whole-record conflict is given a value other than keep or
// delete. Does not check whether the conflict is still open.
Result<Resolution> Build(const wardsync::forms::FormDef& form, const wardsync::records::RecordState& record,
                         const wardsync::records::Conflict& conflict, const Choice& choice,
                         const std::string& reason);

// The decision on a RULE or REJECTED conflict: field values (NAME=VALUE as
// typed, "" clears) or a dismissal (REJECTED only), exactly one of the two.
struct ReviewChoice {
  std::vector<std::pair<std::string, std::string>> sets;
  bool dismiss = false;
  // DUPLICATE conflicts only: delete the record the conflict is on (the later
  // copy). `dismiss` keeps both as distinct reports.
  bool delete_record = false;
};

// `form` is the record's own form version; it may be null only for a
// dismissal. Refused (Invalid / Precondition, with the reason) when the
// conflict is of competing values, the choice is not exactly one of sets and
// dismiss, a rule conflict is dismissed or given a field its rule does not
// name, a never-created record (placeholder) is given values, a field is not
// in the form or its value does not parse or the form refuses it, or the
// values leave the record still breaking the conflict's rule. For a rejected
// change, keep_rules is set as in Build: values set on a record that holds
// its rules may not break them. Does not check whether the conflict is
// still open.
Result<Resolution> BuildReview(const wardsync::forms::FormDef* form, const wardsync::records::RecordState& record,
                               const wardsync::records::Conflict& conflict, const ReviewChoice& choice,
                               const std::string& reason);

}  // namespace wardsync::resolution

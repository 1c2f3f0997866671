// A problem the validator finds in a record or a change, in a form every
// front end can show in the officer's language without parsing English:
// a stable code, its parameters, and the text in English and Vietnamese.
// The English text is also the Status message the command line prints.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace wardsync::forms_util {

struct Problem {
  std::string code;   // stable: unknown_field, required, wrong_type, below_min, rule_broken ... (forms/README.md)
  std::vector<std::pair<std::string, std::string>> params;  // e.g. {"field","invited"},{"min","0"}
  std::string field;  // the stored name at fault ("" for a rule)
  std::string en;     // full sentence, starting with the form id
  std::string vi;
};

}  // namespace wardsync::forms_util

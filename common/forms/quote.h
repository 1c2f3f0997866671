// Quoting of names and user text inside error messages, shared so every
// forms message looks the same: field "invited", rule "a <= b".
#pragma once
#include <string>
#include <string_view>

namespace wardsync::forms_util {

// Built with append rather than operator+ chains, which also keeps GCC 12's
// false -Wrestrict warning on `"\"" + std::string(s)` away.
inline std::string Quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

}  // namespace wardsync::forms_util

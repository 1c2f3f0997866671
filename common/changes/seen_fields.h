// The field names a change has set so far, to find one set twice. Ingest
// checks every change twice (its fields against the form on an io thread,
// its field sets in reconcile on the committer); a std::set cost a node
// allocation per field. A change sets a handful of fields: those are
// compared in place, and only a change with many (up to the limit of 1,024)
// spills into a set, so a hostile change cannot make the check quadratic.
#pragma once
#include <array>
#include <set>
#include <string_view>

namespace wardsync::changes_util {

class SeenFields {
 public:
  // False if `name` was inserted before. The names must outlive this.
  bool Insert(std::string_view name) {
    if (!many_.empty()) return many_.insert(name).second;
    for (size_t i = 0; i < count_; ++i) {
      if (few_[i] == name) return false;
    }
    if (count_ < few_.size()) {
      few_[count_++] = name;
      return true;
    }
    many_.insert(few_.begin(), few_.end());
    return many_.insert(name).second;
  }

 private:
  std::array<std::string_view, 16> few_;
  size_t count_ = 0;
  std::set<std::string_view> many_;  // all of them, once past few_
};

}  // namespace wardsync::changes_util

// common/changes/seen_fields.h: a field name set twice in one change is
// found whether the change sets a few fields (compared in place) or many
// (past the in-place room, kept in a set).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/changes/seen_fields.h"

using wardsync::changes_util::SeenFields;

namespace {

std::vector<std::string> Names(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("field_" + std::to_string(i));
  return out;
}

}  // namespace

TEST_CASE("SeenFields finds a name seen before among a few", "[seen-fields]") {
  SeenFields seen;
  CHECK(seen.Insert("invited"));
  CHECK(seen.Insert("attended"));
  CHECK_FALSE(seen.Insert("invited"));
  CHECK(seen.Insert("invite"));  // a prefix is another name
  CHECK_FALSE(seen.Insert("attended"));
}

TEST_CASE("SeenFields finds a name seen before among many", "[seen-fields]") {
  for (int n : {15, 16, 17, 40, 1024}) {
    INFO("names: " << n);
    const auto names = Names(n);
    SeenFields seen;
    for (const auto& name : names) CHECK(seen.Insert(name));
    // The first, one at the in-place room's edge and the last, seen again.
    CHECK_FALSE(seen.Insert(names.front()));
    CHECK_FALSE(seen.Insert(names[std::min(n, 16) - 1]));
    CHECK_FALSE(seen.Insert(names.back()));
    CHECK(seen.Insert("another"));
    CHECK_FALSE(seen.Insert("another"));
  }
}

// common/forms/record_view.h: top-level values are found by name (a sorted
// vector since session 13), whatever the order the record's map holds them
// in; empty values and row paths are not top-level values.
#include <catch2/catch.hpp>

#include <string>

#include "common/forms/record_view.h"
#include "tests/unit/forms/forms_fixtures.h"

using wardsync::forms_util::FieldMap;
using wardsync::forms_util::RecordView;

TEST_CASE("RecordView finds each top-level value by name, and no other", "[forms][record-view]") {
  const auto form = forms_test::VoterMeeting();
  FieldMap fields;
  const std::vector<std::string> names = {"invited", "agree", "zeta", "attended", "a", "notes", "disagree", "m"};
  for (size_t i = 0; i < names.size(); ++i) fields[names[i]].mutable_value()->set_integer(static_cast<int64_t>(i) + 1);
  fields["cleared"];                                     // no value
  fields["blank"].mutable_value()->set_text("");         // empty value
  fields["rows[r1]"].mutable_value()->set_integer(1);    // a row marker, not a top-level value
  RecordView view(form, fields);
  for (size_t i = 0; i < names.size(); ++i) {
    INFO(names[i]);
    REQUIRE(view.Top(names[i]) != nullptr);
    CHECK(view.Top(names[i])->integer() == static_cast<int64_t>(i) + 1);
  }
  for (const char* absent : {"", "b", "inv", "invitedx", "zz", "cleared", "blank", "rows", "rows[r1]"}) {
    INFO(absent);
    CHECK(view.Top(absent) == nullptr);
  }
  CHECK(view.Rows("rows").size() == 1);
  CHECK(RecordView(form, FieldMap()).Top("invited") == nullptr);
}

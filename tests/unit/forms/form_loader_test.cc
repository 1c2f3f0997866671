#include <catch2/catch.hpp>

#include <string>

#include "common/forms/form_loader.h"
#include "tests/unit/forms/forms_fixtures.h"

using wardsync::forms_util::LoadFormPack;
using wardsync::forms_util::ParseFormJson;
using wardsync::forms_util::ParseWardsJson;
using Catch::Matchers::Contains;

namespace {

// A form around one field definition (JSON object text) and optional rules.
std::string FormWith(const std::string& field, const std::string& rules = "[]") {
  return R"({"id": "f", "version": 1, "fields": [{"name": "n", "type": "INTEGER"}, )" + field +
         R"(], "rules": )" + rules + "}";
}

std::string Refusal(const std::string& json) {
  auto form = ParseFormJson(json, "pack/f.json");
  REQUIRE_FALSE(form.ok());
  return form.status().message();
}

}  // namespace

TEST_CASE("a well-formed definition parses", "[forms]") {
  auto form = ParseFormJson(forms_test::kAllTypesJson, "all-types.json");
  REQUIRE(form.ok());
  CHECK(form->id() == "all-types");
  CHECK(form->fields_size() == 8);
  CHECK(form->fields(2).max_length() == 5);
}

TEST_CASE("bad form definitions are refused naming origin, form and field", "[forms]") {
  struct Case {
    const char* what;
    std::string json;
    std::vector<std::string> expect;  // substrings of the message
  };
  const std::vector<Case> cases = {
      {"not JSON", "{", {"pack/f.json", "invalid JSON"}},
      {"unknown key", R"({"id": "f", "version": 1, "requried": true})", {"pack/f.json", "requried"}},
      {"bad id", R"({"id": "Voter_Meeting", "version": 1})", {"pack/f.json", "Voter_Meeting", "[a-z0-9][a-z0-9-]*"}},
      {"empty id", R"({"version": 1})", {"form id must match"}},
      {"version 0", R"({"id": "f", "version": 0})", {"form \"f\"", "version must be 1 or more"}},
      {"bad field name", FormWith(R"({"name": "Bad", "type": "TEXT"})"), {"form \"f\"", "\"Bad\"", "[a-z][a-z0-9_]*"}},
      {"field name with dash", FormWith(R"({"name": "a-b", "type": "TEXT"})"), {"\"a-b\""}},
      {"duplicate field", FormWith(R"({"name": "n", "type": "TEXT"})"), {"field \"n\" is defined twice"}},
      {"no type", FormWith(R"({"name": "t"})"), {"field \"t\"", "type is not set"}},
      {"unknown type name", FormWith(R"({"name": "t", "type": "STRING"})"), {"pack/f.json", "invalid JSON"}},
      {"choice without choices", FormWith(R"({"name": "c", "type": "SINGLE_CHOICE"})"), {"field \"c\"", "at least one choice"}},
      {"duplicate choice", FormWith(R"({"name": "c", "type": "MULTIPLE_CHOICE", "choices": [{"value": "x"}, {"value": "x"}]})"),
       {"field \"c\"", "\"x\" appears twice"}},
      {"choice value with comma", FormWith(R"({"name": "c", "type": "SINGLE_CHOICE", "choices": [{"value": "a,b"}]})"),
       {"field \"c\"", "\"a,b\""}},
      {"min above max", FormWith(R"({"name": "m", "type": "DECIMAL", "min": 5, "max": 1})"), {"field \"m\"", "min is greater than max"}},
      {"min on text", FormWith(R"({"name": "m", "type": "TEXT", "min": 1})"), {"field \"m\"", "min/max apply only"}},
      {"max on date", FormWith(R"({"name": "m", "type": "DATE", "max": 1})"), {"field \"m\"", "min/max apply only"}},
      {"maxLength on integer", FormWith(R"({"name": "m", "type": "INTEGER", "maxLength": 3})"), {"field \"m\"", "maxLength applies only"}},
      {"fractional integer bound", FormWith(R"({"name": "m", "type": "INTEGER", "min": 0.5})"), {"field \"m\"", "whole number"}},
      {"infinite bound", FormWith(R"({"name": "m", "type": "DECIMAL", "max": "Infinity"})"), {"field \"m\"", "finite"}},
      {"choices on text", FormWith(R"({"name": "m", "type": "TEXT", "choices": [{"value": "x"}]})"), {"field \"m\"", "choices apply only"}},
      {"unparsable rule", FormWith(R"({"name": "m", "type": "INTEGER"})", R"([{"expr": "m < "}])"), {"form \"f\"", "rule #1 \"m < \"", "at position 5"}},
      {"rule on unknown field", FormWith(R"({"name": "m", "type": "INTEGER"})", R"([{"expr": "m <= zz"}])"),
       {"rule #1 \"m <= zz\"", "unknown field \"zz\""}},
      {"rule on text field", FormWith(R"({"name": "m", "type": "TEXT"})", R"([{"expr": "n <= m"}])"),
       {"rule #1 \"n <= m\"", "'<=' cannot compare an integer and text"}},
      // Attachments are top-level only (form_check.cc says why).
      {"attachment in a repeat group",
       FormWith(R"({"name": "rows", "type": "GROUP", "fields": [{"name": "photo", "type": "ATTACHMENT"}]})"),
       {"pack/f.json", "form \"f\"", "group \"rows\": field \"photo\"", "ATTACHMENT field cannot be inside a repeat group"}},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    std::string msg = Refusal(c.json);
    INFO(msg);
    for (const auto& part : c.expect) CHECK_THAT(msg, Contains(part));
  }
}

TEST_CASE("ward lists are checked", "[forms]") {
  auto ok = ParseWardsJson(R"({"wards": [{"id": "phuong-1", "name": "Phường 1"}, {"id": "xa-a", "name": "Xã A"}]})", "w.json");
  REQUIRE(ok.ok());
  CHECK(ok->wards_size() == 2);

  auto dup = ParseWardsJson(R"({"wards": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]})", "w.json");
  REQUIRE_FALSE(dup.ok());
  CHECK_THAT(dup.status().message(), Contains("w.json") && Contains("\"a\" is listed twice"));

  auto bad = ParseWardsJson(R"({"wards": [{"id": "Phường-1", "name": "A"}]})", "w.json");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Contains("[a-z0-9-]+"));

  auto unnamed = ParseWardsJson(R"({"wards": [{"id": "a"}]})", "w.json");
  REQUIRE_FALSE(unnamed.ok());
  CHECK_THAT(unnamed.status().message(), Contains("\"a\" has no name"));

  CHECK_FALSE(ParseWardsJson(R"({"wards": [], "extra": 1})", "w.json").ok());
}

TEST_CASE("a pack directory is read in name order and duplicates are refused", "[forms]") {
  forms_test::TempDir dir;
  dir.Write("b.json", R"({"id": "b", "version": 1})");
  dir.Write("a.json", R"({"id": "a", "version": 1})");
  dir.Write("a2.json", R"({"id": "a", "version": 2})");
  dir.Write("notes.txt", "not a form");
  dir.Write("wards.json", R"({"wards": [{"id": "x", "name": "Xã X"}]})");
  auto pack = LoadFormPack(dir.path());
  REQUIRE(pack.ok());
  REQUIRE(pack->forms.size() == 3);
  CHECK(pack->forms[0].id() == "a");
  CHECK(pack->forms[1].version() == 2);
  CHECK(pack->forms[2].id() == "b");
  CHECK(pack->wards.wards_size() == 1);

  dir.Write("c.json", R"({"id": "a", "version": 2, "title": "again"})");
  auto dup = LoadFormPack(dir.path());
  REQUIRE_FALSE(dup.ok());
  CHECK_THAT(dup.status().message(), Contains("c.json") && Contains("\"a\" version 2") && Contains("a2.json"));
}

TEST_CASE("a bad file or an empty pack is refused", "[forms]") {
  forms_test::TempDir dir;
  auto empty = LoadFormPack(dir.path());
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.status().message(), Contains("no form files"));

  dir.Write("broken.json", R"({"id": "x", "version": 1, "fields": [{"name": "q"}]})");
  auto broken = LoadFormPack(dir.path());
  REQUIRE_FALSE(broken.ok());
  CHECK_THAT(broken.status().message(), Contains("broken.json") && Contains("field \"q\""));

  CHECK(LoadFormPack(dir.path() + "/missing").status().not_found());
}

TEST_CASE("a pack's choices/ holds its choice lists; a bad list refuses the pack", "[forms][choices]") {
  forms_test::TempDir dir;
  dir.Write("a.json", R"({"id": "a", "version": 1})");
  auto none = LoadFormPack(dir.path());
  REQUIRE(none.ok());
  CHECK(none->choice_lists.empty());

  std::filesystem::create_directory(dir.path() + "/choices");
  dir.Write("choices/b.json", R"({"id": "b", "version": 1, "entries": [{"value": "x", "label": "X"}]})");
  dir.Write("choices/a.json", R"({"id": "a", "version": 2, "entries": [{"value": "y", "label": "Y"}]})");
  dir.Write("choices/readme.txt", "not a list");
  auto pack = LoadFormPack(dir.path());
  REQUIRE(pack.ok());
  REQUIRE(pack->choice_lists.size() == 2);
  CHECK(pack->choice_lists[0].id() == "a");  // file-name order
  CHECK(pack->choice_lists[1].entries(0).label() == "X");
  CHECK(pack->forms.size() == 1);  // the lists are not forms

  dir.Write("choices/c.json", R"({"id": "c", "version": 1, "entries": [{"value": "Bad Value", "label": "B"}]})");
  auto bad = LoadFormPack(dir.path());
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Contains("c.json"));
}

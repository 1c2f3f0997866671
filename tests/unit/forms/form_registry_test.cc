#include <catch2/catch.hpp>

#include "common/forms/form_registry.h"

using wardsync::forms::FieldDef;
using wardsync::forms::FormDef;
using wardsync::forms_util::FormRegistry;
using Catch::Matchers::Contains;

namespace {

FormDef Make(const std::string& id, uint32_t version, const std::string& title = "") {
  FormDef f;
  f.set_id(id);
  f.set_version(version);
  f.set_title(title);
  auto* field = f.add_fields();
  field->set_name("count");
  field->set_type(FieldDef::INTEGER);
  return f;
}

}  // namespace

TEST_CASE("the registry finds forms by id and version", "[forms]") {
  FormRegistry reg;
  REQUIRE(reg.Add(Make("b", 1)).ok());
  REQUIRE(reg.Add(Make("a", 2)).ok());
  REQUIRE(reg.Add(Make("a", 10)).ok());
  REQUIRE(reg.Add(Make("a", 1)).ok());

  REQUIRE(reg.Find("a", 2) != nullptr);
  CHECK(reg.Find("a", 2)->version() == 2);
  CHECK(reg.Find("a", 3) == nullptr);
  CHECK(reg.Find("c", 1) == nullptr);
  REQUIRE(reg.Latest("a") != nullptr);
  CHECK(reg.Latest("a")->version() == 10);
  CHECK(reg.Latest("zzz") == nullptr);

  auto all = reg.All();
  REQUIRE(all.size() == 4);
  CHECK((all[0]->id() == "a" && all[0]->version() == 1));
  CHECK((all[1]->id() == "a" && all[1]->version() == 2));
  CHECK((all[2]->id() == "a" && all[2]->version() == 10));
  CHECK(all[3]->id() == "b");

  const FormDef* a2 = reg.Find("a", 2);
  REQUIRE(reg.Add(Make("c", 1)).ok());
  CHECK(reg.Find("a", 2) == a2);  // earlier pointers stay valid
}

TEST_CASE("a published version cannot change, but may be re-added", "[forms]") {
  FormRegistry reg;
  REQUIRE(reg.Add(Make("a", 1, "Một")).ok());
  CHECK(reg.Add(Make("a", 1, "Một")).ok());
  auto st = reg.Add(Make("a", 1, "Hai"));
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == wardsync::Status::Code::kAlreadyExists);
  CHECK_THAT(st.message(), Contains("form \"a\" version 1"));
  CHECK(reg.Find("a", 1)->title() == "Một");
}

TEST_CASE("the registry refuses malformed definitions", "[forms]") {
  FormRegistry reg;
  CHECK_THAT(reg.Add(Make("Bad Id", 1)).message(), Contains("form id must match"));
  CHECK_THAT(reg.Add(Make("a", 0)).message(), Contains("version must be 1 or more"));
  CHECK(reg.All().empty());
}

TEST_CASE("FindField looks fields up by name", "[forms]") {
  FormDef f = Make("a", 1);
  REQUIRE(FormRegistry::FindField(f, "count") != nullptr);
  CHECK(FormRegistry::FindField(f, "count")->type() == FieldDef::INTEGER);
  CHECK(FormRegistry::FindField(f, "nope") == nullptr);
}

// Choice lists published as data: their checks, their resolution into the
// forms that name them (every version's values valid, newest offered), the
// offer per ward, and the election pack's lists with tally-minutes v3.
#include <catch2/catch.hpp>

#include "common/forms/choice_list.h"
#include "common/forms/form_registry.h"
#include "common/forms/offered_form.h"
#include "common/forms/validator.h"
#include "common/forms/value_text.h"
#include "common/util/files.h"
#include "tests/unit/forms/forms_fixtures.h"

using Catch::Matchers::Contains;
using wardsync::forms::ChoiceListDef;
using wardsync::forms::FormDef;
using namespace wardsync::forms_util;
using wardsync::Status;

namespace {

ChoiceListDef List(uint32_t version, std::initializer_list<std::tuple<const char*, const char*, const char*>> entries) {
  ChoiceListDef l;
  l.set_id("areas");
  l.set_version(version);
  l.set_title("Khu vực");
  for (const auto& [value, label, ward] : entries) {
    auto* e = l.add_entries();
    e->set_value(value);
    e->set_label(label);
    e->set_ward(ward);
  }
  return l;
}

FormDef AreaForm() {
  auto f = ParseFormJson(R"({"id": "f", "version": 1, "fields": [
      {"name": "area", "type": "SINGLE_CHOICE", "required": true, "choiceList": "areas"},
      {"name": "rows", "type": "GROUP", "fields": [{"name": "picks", "type": "MULTIPLE_CHOICE", "choiceList": "areas"}]}]})",
                         "f.json");
  REQUIRE(f.ok());
  return *f;
}

wardsync::changes::Value Choice(const std::string& v) {
  wardsync::changes::Value value;
  value.set_choice(v);
  return value;
}

}  // namespace

TEST_CASE("a choice list is checked before it is published", "[forms][choices]") {
  CHECK(CheckChoiceList(List(1, {{"kv-1", "Khu vực 1", ""}}), "").ok());
  auto bad = [](ChoiceListDef l, const char* why) {
    Status s = CheckChoiceList(l, "x.json");
    CHECK_FALSE(s.ok());
    CHECK_THAT(s.message(), Contains(why));
  };
  bad(List(1, {}), "has no entries");
  bad(List(0, {{"a", "A", ""}}), "version must be 1 or more");
  bad(List(1, {{"Kv 1", "A", ""}}), "value must match");
  bad(List(1, {{"a,b", "A", ""}}), "value must match");
  bad(List(1, {{"a", "A", ""}, {"a", "B", ""}}), "value appears twice");
  bad(List(1, {{"a", "", ""}}), "label must be non-empty");
  bad(List(1, {{"a", "A", "Phường X"}}), "is not a ward id");
  auto big = List(1, {});
  for (size_t i = 0; i <= kMaxChoiceEntries; ++i) {
    auto* e = big.add_entries();
    e->set_value("v" + std::to_string(i));
    e->set_label("V");
  }
  bad(big, "at most 2000");
  auto id = List(1, {{"a", "A", ""}});
  id.set_id("Areas");
  bad(id, "id must match");
  CHECK_FALSE(ParseChoiceListJson(R"({"id": "a", "version": 1, "entries": [{"value": "a", "label": "A", "colour": 1}]})", "f")
                  .ok());
}

TEST_CASE("a form's choice-list field accepts every published value, of every version", "[forms][choices]") {
  FormRegistry reg;
  REQUIRE(reg.Add(AreaForm()).ok());
  const FormDef* form = reg.Find("f", 1);
  REQUIRE(form != nullptr);
  const auto& area = form->fields(0);
  // Not published yet: no value is valid, and the message says why.
  CHECK_FALSE(ValidateValue(*form, area, Choice("kv-1")).ok());
  auto typed = ParseValue(*form, area, "kv-1");
  REQUIRE_FALSE(typed.ok());
  CHECK_THAT(typed.status().message(), Contains("\"areas\" is not published here yet"));

  REQUIRE(reg.AddChoiceList(List(1, {{"kv-1", "Khu vực 1", "phuong-a"}, {"kv-2", "Khu vực 2", "phuong-b"}})).ok());
  CHECK(ValidateValue(*form, area, Choice("kv-1")).ok());
  CHECK(ValidateValue(*form, area, Choice("kv-2")).ok());  // another ward's entry is valid everywhere
  Status outside = ValidateValue(*form, area, Choice("kv-9"));
  CHECK_FALSE(outside.ok());
  CHECK_THAT(outside.message(), Contains("\"kv-9\" is not one of the choices"));
  // A sub-field of a group is resolved too.
  const auto& picks = form->fields(1).fields(0);
  wardsync::changes::Value many;
  many.mutable_choices()->add_values("kv-1");
  many.mutable_choices()->add_values("kv-2");
  CHECK(ValidateValue(*form, picks, many).ok());

  // Version 2 drops kv-2 and adds kv-3: kv-2 stays valid for old records,
  // the label of kv-1 is the new one, and only version 2 is offered.
  REQUIRE(reg.AddChoiceList(List(2, {{"kv-1", "Khu vực số 1", "phuong-a"}, {"kv-3", "Khu vực 3", ""}})).ok());
  CHECK(ValidateValue(*form, area, Choice("kv-2")).ok());
  CHECK(ValidateValue(*form, area, Choice("kv-3")).ok());
  CHECK(form->fields(0).choices(0).label() == "Khu vực số 1");
  const FormDef offered = OfferedForm(reg, *form, "phuong-b");
  REQUIRE(offered.fields(0).choices_size() == 1);  // kv-1 is phuong-a's, kv-2 is gone
  CHECK(offered.fields(0).choices(0).value() == "kv-3");
  CHECK(OfferedForm(reg, *form, "").fields(0).choices_size() == 2);  // a reviewer: every entry

  // Published forms stay as published (what is stored and sent on).
  REQUIRE(reg.Published().size() == 1);
  CHECK(reg.Published()[0]->fields(0).choices_size() == 0);
  CHECK(reg.ChoiceLists().size() == 2);

  // A published (list, version) never changes.
  Status changed = reg.AddChoiceList(List(2, {{"kv-1", "Khác", ""}}));
  CHECK(changed.code() == wardsync::Status::Code::kAlreadyExists);
  CHECK(reg.AddChoiceList(List(2, {{"kv-1", "Khu vực số 1", "phuong-a"}, {"kv-3", "Khu vực 3", ""}})).ok());
}

TEST_CASE("the election pack's choice lists load and tally-minutes v3 picks from them", "[forms][choices]") {
  auto pack = LoadFormPack(forms_test::ElectionPackDir());
  REQUIRE(pack.ok());
  // tally-minutes 3 picks from the lists of the pack's choices/ (forms/README.md).
  FormRegistry reg;
  for (auto& f : pack->forms) REQUIRE(reg.Add(f).ok());
  for (auto& l : pack->choice_lists) REQUIRE(reg.AddChoiceList(l).ok());
  // Every polling area belongs to a published ward.
  std::set<std::string> wards;
  for (const auto& w : pack->wards.wards()) wards.insert(w.id());
  const auto* areas = reg.LatestChoiceList("polling-areas");
  REQUIRE(areas != nullptr);
  for (const auto& e : areas->entries()) CHECK(wards.count(e.ward()) == 1);

  const FormDef* v3 = reg.Find("tally-minutes", 3);
  REQUIRE(v3 != nullptr);
  const auto* candidate = FormRegistry::FindField(*v3, "candidates[r1].candidate");
  REQUIRE(candidate != nullptr);
  CHECK(ValidateValue(*v3, *candidate, Choice("qh-dv1-nguyen-van-hung")).ok());
  CHECK_FALSE(ValidateValue(*v3, *candidate, Choice("nguyen-van-hung")).ok());
  // Ward-level candidates are offered only in their ward.
  auto offered_in = [&](const std::string& ward) {
    const FormDef f = OfferedForm(reg, *v3, ward);
    for (const auto& fd : f.fields()) {
      if (fd.name() == "candidates") return fd.fields(0).choices_size();
    }
    return -1;
  };
  CHECK(offered_in("phuong-cam-gia") == offered_in("phuong-gia-sang") + 4);
  // The older versions, with typed names, are still there.
  CHECK(reg.Find("tally-minutes", 2) != nullptr);
}

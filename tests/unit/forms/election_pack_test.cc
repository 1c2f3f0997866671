#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "common/forms/form_loader.h"
#include "common/forms/form_registry.h"
#include "common/forms/utf8.h"
#include "common/forms/validator.h"
#include "tests/unit/forms/forms_fixtures.h"

using wardsync::forms::FieldDef;
using wardsync::forms_util::FormRegistry;
using wardsync::changes::Value;
using wardsync::forms_util::LoadFormPack;
using wardsync::forms_util::ValidateValue;

TEST_CASE("the election pack loads with 8 forms (18 versions), 32 wards and 3 choice lists", "[forms]") {
  auto pack = LoadFormPack(forms_test::ElectionPackDir());
  REQUIRE(pack.ok());
  CHECK(pack->wards.wards_size() == 32);

  std::set<std::string> ids;
  for (const auto& f : pack->forms) {
    ids.insert(f.id());
    // Every version after the first says what it changed in its description.
    INFO(f.id() << "@" << f.version());
    if (f.version() > 1) CHECK(f.description().find("Phiên bản " + std::to_string(f.version())) != std::string::npos);
    CHECK_FALSE(f.title().empty());
    CHECK(f.fields_size() >= 5);
    CHECK(f.fields_size() <= 16);
    for (const auto& field : f.fields()) CHECK_FALSE(field.label().empty());
  }
  CHECK(ids == std::set<std::string>{"candidate", "complaint", "consultation-conference", "polling-station-readiness",
                                     "security-incident", "tally-minutes", "turnout-report", "voter-meeting"});

  std::set<std::string> ward_ids;
  int wards = 0;
  for (const auto& w : pack->wards.wards()) {
    ward_ids.insert(w.id());
    CHECK(wardsync::forms_util::IsValidUtf8(w.name()));
    // Each unit says what it is, and its name and id agree with that.
    const bool ward = w.kind() == "ward" && w.name().rfind("Phường ", 0) == 0 && w.id().rfind("phuong-", 0) == 0;
    const bool commune = w.kind() == "commune" && w.name().rfind("Xã ", 0) == 0 && w.id().rfind("xa-", 0) == 0;
    INFO(w.id());
    CHECK((ward || commune));
    wards += ward;
  }
  CHECK(ward_ids.size() == 32);
  CHECK(wards == 21);  // Thái Nguyên city, 2021: 21 phường and 11 xã
  CHECK(ward_ids.count("phuong-hoang-van-thu") == 1);

  std::set<std::string> lists;
  for (const auto& l : pack->choice_lists) lists.insert(l.id());
  CHECK(lists == std::set<std::string>{"candidates", "constituencies", "polling-areas"});

  FormRegistry registry;
  for (const auto& f : pack->forms) REQUIRE(registry.Add(f).ok());
  CHECK(registry.All().size() == 18);
  CHECK(registry.Latest("complaint")->version() == 3);
  CHECK(registry.Latest("tally-minutes")->version() == 4);
  CHECK(registry.Latest("voter-meeting")->version() == 2);
  // tally-minutes 2 is version 1 plus the signed minutes' photo, nothing else.
  const auto* minutes = registry.Find("tally-minutes", 2);
  REQUIRE(minutes != nullptr);
  const auto* photo = FormRegistry::FindField(*minutes, "signed_minutes");
  REQUIRE(photo != nullptr);
  CHECK(photo->type() == FieldDef::ATTACHMENT);
  CHECK_FALSE(photo->required());
  CHECK(photo->max_bytes() == 10u * 1024 * 1024);
  CHECK(std::vector<std::string>(photo->media_types().begin(), photo->media_types().end()) ==
        std::vector<std::string>{"image/jpeg", "image/png", "application/pdf"});
  const auto* v1 = registry.Find("tally-minutes", 1);
  REQUIRE(v1 != nullptr);
  CHECK(minutes->fields_size() == v1->fields_size() + 1);
  CHECK(minutes->rules_size() == v1->rules_size());
}

TEST_CASE("voter-meeting has exactly the agreed fields and rules", "[forms]") {
  auto form = forms_test::VoterMeeting();
  CHECK(form.title() == "Hội nghị cử tri nơi cư trú góp ý người ứng cử");
  struct Want {
    const char* name;
    FieldDef::Type type;
    bool required;
  };
  const Want want[] = {{"candidate", FieldDef::TEXT, true},     {"meeting_date", FieldDef::DATE, true},
                       {"invited", FieldDef::INTEGER, true},    {"attended", FieldDef::INTEGER, true},
                       {"agree", FieldDef::INTEGER, false},     {"disagree", FieldDef::INTEGER, false},
                       {"notes", FieldDef::TEXT, false}};
  REQUIRE(form.fields_size() == 7);
  for (int i = 0; i < 7; ++i) {
    INFO(want[i].name);
    CHECK(form.fields(i).name() == want[i].name);
    CHECK(form.fields(i).type() == want[i].type);
    CHECK(form.fields(i).required() == want[i].required);
    if (want[i].type == FieldDef::INTEGER) {
      CHECK(form.fields(i).has_min());
      CHECK(form.fields(i).min() == 0);
    }
  }
  REQUIRE(form.rules_size() == 2);
  CHECK(form.rules(0).expr() == "attended <= invited");
  CHECK(form.rules(1).expr() == "agree + disagree <= attended");
}

TEST_CASE("voter-meeting 2 picks the candidate from the list; tally-minutes 4 the constituency", "[forms]") {
  auto pack = LoadFormPack(forms_test::ElectionPackDir());
  REQUIRE(pack.ok());
  FormRegistry registry;
  for (const auto& l : pack->choice_lists) REQUIRE(registry.AddChoiceList(l).ok());
  for (const auto& f : pack->forms) REQUIRE(registry.Add(f).ok());

  // Version 2 is version 1 with the candidate picked, not typed, and where
  // the meeting was held; version 1 stays for the records made with it.
  const auto* v1 = registry.Find("voter-meeting", 1);
  const auto* v2 = registry.Find("voter-meeting", 2);
  REQUIRE(v1 != nullptr);
  REQUIRE(v2 != nullptr);
  CHECK(FormRegistry::FindField(*v1, "candidate")->type() == FieldDef::TEXT);
  const auto* picked = FormRegistry::FindField(*v2, "candidate");
  CHECK(picked->type() == FieldDef::SINGLE_CHOICE);
  CHECK(picked->required());
  CHECK(v2->fields_size() == v1->fields_size() + 1);
  CHECK(FormRegistry::FindField(*v2, "place")->choices_size() == 2);
  for (int i = 0; i < v1->rules_size(); ++i) CHECK(v2->rules(i).expr() == v1->rules(i).expr());

  // Every value and label of the `candidates` list is offered, and only those.
  const auto* candidates = registry.LatestChoiceList("candidates");
  REQUIRE(candidates != nullptr);
  CHECK(picked->choices_size() == candidates->entries_size());
  Value lan;
  lan.set_choice("qh-dv1-tran-thi-lan");
  CHECK(ValidateValue(*v2, *picked, lan).ok());
  Value typed;
  typed.set_choice("Trần Thị Lan");
  CHECK(ValidateValue(*v2, *picked, typed).message() ==
        "voter-meeting: field \"candidate\": \"Trần Thị Lan\" is not one of the choices");

  // tally-minutes 4: version 3 with the constituency picked from
  // `constituencies`, whose labels are exactly the groups of `candidates`.
  const auto* t3 = registry.Find("tally-minutes", 3);
  const auto* t4 = registry.Find("tally-minutes", 4);
  REQUIRE(t3 != nullptr);
  REQUIRE(t4 != nullptr);
  CHECK(FormRegistry::FindField(*t3, "constituency")->type() == FieldDef::TEXT);
  const auto* constituency = FormRegistry::FindField(*t4, "constituency");
  CHECK(constituency->type() == FieldDef::SINGLE_CHOICE);
  CHECK(constituency->choice_list() == "constituencies");
  CHECK(t4->fields_size() == t3->fields_size());
  CHECK(t4->rules_size() == t3->rules_size());
  const auto* constituencies = registry.LatestChoiceList("constituencies");
  REQUIRE(constituencies != nullptr);
  std::set<std::string> groups, labels;
  for (const auto& e : candidates->entries()) groups.insert(e.group());
  for (const auto& e : constituencies->entries()) labels.insert(e.label());
  CHECK(groups == labels);
  CHECK(constituencies->title().find("DỮ LIỆU MẪU") != std::string::npos);  // sample data, said so
}

TEST_CASE("turnout-report refuses more votes than voters", "[forms]") {
  auto pack = LoadFormPack(forms_test::ElectionPackDir());
  REQUIRE(pack.ok());
  bool found = false;
  for (const auto& f : pack->forms) {
    if (f.id() != "turnout-report") continue;
    found = true;
    bool has_rule = false;
    for (const auto& r : f.rules()) has_rule |= r.expr() == "votes_cast <= registered_voters";
    CHECK(has_rule);
  }
  CHECK(found);
}

TEST_CASE("turnout and readiness 2 pick the polling area from the published list and key by it", "[forms]") {
  auto pack = LoadFormPack(forms_test::ElectionPackDir());
  REQUIRE(pack.ok());
  FormRegistry registry;
  for (const auto& f : pack->forms) REQUIRE(registry.Add(f).ok());
  for (const auto& l : pack->choice_lists) REQUIRE(registry.AddChoiceList(l).ok());
  size_t longest = 0;
  for (const auto* l : registry.ChoiceLists()) {
    if (l->id() != "polling-areas") continue;
    for (const auto& e : l->entries()) longest = std::max(longest, e.value().size());
  }
  CHECK(longest > 20);  // station_code (maxLength 20) could not hold them; a list value may have 64
  for (const char* id : {"turnout-report", "polling-station-readiness"}) {
    INFO(id);
    const auto* latest = registry.Latest(id);
    REQUIRE(latest != nullptr);
    CHECK(latest->version() == 2);
    CHECK(FormRegistry::FindField(*latest, "station_code") == nullptr);
    const auto* area = FormRegistry::FindField(*latest, "polling_area");
    REQUIRE(area != nullptr);
    CHECK(area->type() == FieldDef::SINGLE_CHOICE);
    CHECK(area->choice_list() == "polling-areas");
    CHECK(area->required());
    REQUIRE(latest->unique_key_size() == 2);
    CHECK(latest->unique_key(0) == "polling_area");
    // Version 1 stays, typed code and all, for the records made with it.
    const auto* v1 = registry.Find(id, 1);
    REQUIRE(v1 != nullptr);
    CHECK(FormRegistry::FindField(*v1, "station_code") != nullptr);
  }
  CHECK(registry.Latest("turnout-report")->unique_key(1) == "report_time");
  CHECK(registry.Latest("polling-station-readiness")->unique_key(1) == "check_date");
  // The candidate register picks candidates from the list too.
  const auto* c = FormRegistry::FindField(*registry.Latest("candidate"), "candidate");
  REQUIRE(c != nullptr);
  CHECK(c->choice_list() == "candidates");
  CHECK(registry.Latest("candidate")->unique_key_size() == 1);
  // Consultation rounds 2-3 carry their nominee list, a row per nominee.
  const auto* nominees = FormRegistry::FindField(*registry.Latest("consultation-conference"), "nominee_list");
  REQUIRE(nominees != nullptr);
  CHECK(nominees->type() == FieldDef::GROUP);
  CHECK(nominees->relevant() == "not selected(round, 'lan-1')");
}

// common/wire/content_limits.h: each string of a change-set is checked
// against the text limit, and a refusal names it exactly (the name is made
// into text only for a refusal since session 13).
#include <catch2/catch.hpp>

#include <string>

#include "common/wire/content_limits.h"
#include "common/wire/protocol_limits.h"

using namespace wardsync;

namespace {

std::string Refusal(const changes::ChangeSetBody& body, const wire::ContentLimits& l) {
  Status s = wire::CheckChangeSetBody(body, 100, l);
  return s.ok() ? std::string() : s.message();
}

}  // namespace

TEST_CASE("content limits: every string of a change is checked and named", "[unit][wire][content-limits]") {
  const wire::ContentLimits l = wire::ContentLimitsOf(wire::ProtocolMinimumLimits());
  const std::string long_text(l.max_text_bytes + 1, 'x');
  const std::string over = " of " + std::to_string(long_text.size()) + " bytes exceeds the limit of " +
                           std::to_string(l.max_text_bytes) + " bytes";
  changes::ChangeSetBody body;
  body.set_officer("An");
  changes::Change* c = body.add_changes();
  c->set_form_id("voter-meeting");
  c->set_ward("w");
  auto* set = c->add_sets();
  set->set_field("candidate");
  set->mutable_value()->set_choice("c1");
  CHECK(Refusal(body, l).empty());

  c->set_ward(long_text);
  CHECK(Refusal(body, l) == "ward" + over);
  c->set_ward("w");
  c->set_form_id(long_text);
  CHECK(Refusal(body, l) == "form id" + over);
  c->set_form_id("voter-meeting");
  set->mutable_value()->set_choice(long_text);
  CHECK(Refusal(body, l) == "value of field \"candidate\"" + over);
  set->mutable_value()->mutable_choices()->add_values("a");
  set->mutable_value()->mutable_choices()->add_values(long_text);
  CHECK(Refusal(body, l) == "value of field \"candidate\"" + over);
  set->mutable_value()->mutable_attachment()->set_media_type(long_text);
  CHECK(Refusal(body, l) == "value of field \"candidate\" (attachment media type)" + over);
  set->mutable_value()->set_date("2026-11-20");
  CHECK(Refusal(body, l).empty());
  set->set_field(long_text);
  CHECK(Refusal(body, l) == "field name" + over);
}

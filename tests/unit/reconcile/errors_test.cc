#include <catch2/catch.hpp>

#include "tests/unit/reconcile/fixtures.h"

using namespace rtest;
using wardsync::Status;
using wardsync::reconcile::Apply;

TEST_CASE("creating an existing record is refused", "[reconcile]") {
  RecordState r = Base();
  const std::string before = Bytes(r);
  auto res = Apply(r, Create({{"votes", Int(1)}}), S("x", 1, 500), 9, kNoLookup);
  REQUIRE_FALSE(res.ok());
  CHECK(res.status().code() == Status::Code::kAlreadyExists);
  CHECK(res.status().message() == "record " + kRidHex + " already exists");
  CHECK(Bytes(r) == before);
}

TEST_CASE("changing a record that does not exist is refused", "[reconcile]") {
  for (const auto& c : {Update({{"votes", Int(1)}}), Delete(Id("c", 1)), Resolve(kRidHex + ":votes", {{"votes", Int(1)}})}) {
    RecordState r;
    auto res = Apply(r, c, S("x", 1, 500), 9, kNoLookup);
    REQUIRE_FALSE(res.ok());
    CHECK(res.status().code() == Status::Code::kFailedPrecondition);
    CHECK(res.status().message() == "record " + kRidHex + " does not exist");
    CHECK(Bytes(r).empty());
  }
}

TEST_CASE("a change cannot move a record to another ward or form", "[reconcile]") {
  RecordState r = Base();
  const std::string before = Bytes(r);
  Change other_ward = Update({{"votes", Int(11), Id("c", 1)}});
  other_ward.set_ward("ward-08");
  auto w = Apply(r, other_ward, S("a", 1, 200), 2, kNoLookup);
  REQUIRE_FALSE(w.ok());
  CHECK(w.status().code() == Status::Code::kInvalidArgument);
  CHECK(w.status().message().find("ward-08") != std::string::npos);
  Change other_form = Update({{"votes", Int(11), Id("c", 1)}});
  other_form.set_form_id("incidents");
  CHECK_FALSE(Apply(r, other_form, S("a", 1, 200), 2, kNoLookup).ok());
  Change delete_other_ward = Delete(Id("c", 1));
  delete_other_ward.set_ward("ward-08");
  CHECK_FALSE(Apply(r, delete_other_ward, S("a", 1, 200), 2, kNoLookup).ok());
  CHECK(Bytes(r) == before);
}

TEST_CASE("a refused change leaves the record byte-identical", "[reconcile]") {
  // A record with history: an open conflict, a closed one, a deletion conflict.
  RecordState r = Base();
  Ok(r, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 200), 2);
  Ok(r, Update({{"votes", Int(12), Id("c", 1)}}), S("b", 1, 300), 3);
  Ok(r, Resolve(kRidHex + ":votes", {{"votes", Int(12)}}), S("rev", 1, 400), 4);
  Ok(r, Update({{"turnout", Int(60), Id("c", 1)}}), S("a", 2, 410), 5);
  Ok(r, Update({{"turnout", Int(61), Id("c", 1)}}), S("b", 2, 420), 6);
  Ok(r, Delete(Id("c", 1)), S("d", 1, 430), 7);
  const std::string before = Bytes(r);

  std::vector<std::pair<std::string, Change>> bad;
  bad.push_back({"create twice", Create({})});
  {
    Change c = Update({{"votes", Int(1), Id("rev", 1)}});
    c.set_ward("ward-99");
    bad.push_back({"other ward", c});
  }
  {
    Change c = Update({{"votes", Int(1), Id("rev", 1)}});
    c.set_record_id(std::string(16, 'z'));
    bad.push_back({"other record", c});
  }
  {
    Change c = Update({{"votes", Int(1), Id("rev", 1)}});
    c.set_record_id("short");
    bad.push_back({"bad record id", c});
  }
  bad.push_back({"duplicate field", Update({{"votes", Int(1), Id("rev", 1)}, {"votes", Int(2), Id("rev", 1)}})});
  bad.push_back({"empty field name", Update({{"", Int(1)}})});
  bad.push_back({"reserved field name", Update({{"__deleted", Bool(true)}})});
  // A valid first set followed by an invalid one must not half-apply.
  bad.push_back({"valid then invalid", Update({{"votes", Int(5), Id("rev", 1)}, {"", Int(1)}})});
  bad.push_back({"empty update", Update({})});
  bad.push_back({"delete with sets", [] {
                   Change c = Delete(Id("d", 1));
                   FieldSet* fs = c.add_sets();
                   fs->set_field("votes");
                   return c;
                 }()});
  bad.push_back({"resolve closed, wrong field", Resolve(kRidHex + ":votes", {{"turnout", Int(1)}})});
  bad.push_back({"resolve unknown", Resolve(kRidHex + ":nope", {{"nope", Int(1)}})});
  bad.push_back({"resolve wrong field", Resolve(kRidHex + ":turnout", {{"votes", Int(1)}})});
  bad.push_back({"unknown op", Make(Change::OP_UNSPECIFIED, {{"votes", Int(1)}})});

  for (const auto& [name, change] : bad) {
    CAPTURE(name);
    auto res = Apply(r, change, S("x", 1, 999), 8, kNoLookup);
    CHECK_FALSE(res.ok());
    CHECK_FALSE(res.status().message().empty());
    CHECK(Bytes(r) == before);
  }
  // A stamp without a change id is refused too.
  Stamp no_id;
  no_id.set_hlc(999);
  CHECK_FALSE(Apply(r, Update({{"votes", Int(1), Id("rev", 1)}}), no_id, 8, kNoLookup).ok());
  CHECK(Bytes(r) == before);
}

TEST_CASE("form version never goes back", "[reconcile]") {
  RecordState r = Base();
  Change v3 = Update({{"votes", Int(11), Id("c", 1)}});
  v3.set_form_version(3);
  Ok(r, v3, S("a", 1, 200), 2);
  CHECK(r.form_version() == 3);
  Ok(r, Update({{"turnout", Int(1), Id("c", 1)}}), S("b", 1, 300), 3);  // made against version 1
  CHECK(r.form_version() == 3);
}

// common/authority: what each role may do, as the client checks it before
// signing and the server enforces it (server/ingest/authorizer.cc).
#include <catch2/catch.hpp>

#include "common/authority/role.h"

using namespace wardsync::authority;

TEST_CASE("roles parse from their names and back", "[authority]") {
  for (Role r : {Role::kOfficer, Role::kReviewer, Role::kAdmin, Role::kServer}) {
    INFO(RoleName(r));
    REQUIRE(ParseRole(RoleName(r)) == r);
  }
  CHECK_FALSE(ParseRole("").has_value());
  CHECK_FALSE(ParseRole("Officer").has_value());  // exact names only
  CHECK_FALSE(ParseRole("officer ").has_value());
}

TEST_CASE("only officer, reviewer and admin can be enrolled", "[authority]") {
  CHECK(IsEnrollableRole("officer"));
  CHECK(IsEnrollableRole("reviewer"));
  CHECK(IsEnrollableRole("admin"));
  CHECK_FALSE(IsEnrollableRole("server"));  // the server's own identity
  CHECK_FALSE(IsEnrollableRole(""));
  CHECK_FALSE(IsEnrollableRole("root"));
}

TEST_CASE("who may write records, resolve conflicts, and is bound to a ward", "[authority]") {
  struct Row {
    const char* role;
    bool write, resolve, ward_bound;
  };
  for (const Row& row : {Row{"officer", true, false, true}, Row{"reviewer", false, true, false},
                         Row{"admin", true, true, false}, Row{"server", true, true, false},
                         Row{"", false, false, false}, Row{"guest", false, false, false}}) {
    INFO("role \"" << row.role << "\"");
    CHECK(MayWriteRecords(row.role) == row.write);
    CHECK(MayResolve(row.role) == row.resolve);
    CHECK(BoundToWard(row.role) == row.ward_bound);
  }
  CHECK(IsServerRole("server"));
  CHECK_FALSE(IsServerRole("admin"));
}

TEST_CASE("a ward-bound role reads its own ward, the others every ward", "[authority]") {
  CHECK(ReadScope("officer", "ward-07") == "ward-07");
  CHECK(ReadScope("reviewer", "ward-07").empty());
  CHECK(ReadScope("admin", "ward-07").empty());
  CHECK(ReadScope("unknown", "ward-07").empty());
}

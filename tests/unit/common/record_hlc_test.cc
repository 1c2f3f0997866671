// common/clock/record_hlc.h: the largest stamp of a record, wherever it is.
#include <catch2/catch.hpp>

#include "common/clock/record_hlc.h"

using wardsync::LargestHlc;
using wardsync::records::RecordState;

TEST_CASE("the largest HLC of a record is found in every place a stamp lives", "[clock]") {
  RecordState base;
  base.mutable_created()->set_hlc(10);
  base.mutable_last_change()->set_hlc(20);
  (*base.mutable_fields())["a"].mutable_stamp()->set_hlc(15);
  auto* c = base.add_conflicts();
  c->add_candidates()->mutable_stamp()->set_hlc(5);
  CHECK(LargestHlc(RecordState()) == 0);
  CHECK(LargestHlc(base) == 20);

  SECTION("created") { base.mutable_created()->set_hlc(99); }
  SECTION("a field") { (*base.mutable_fields())["b"].mutable_stamp()->set_hlc(99); }
  SECTION("a conflict's resolution") { base.mutable_conflicts(0)->mutable_resolved_by()->set_hlc(99); }
  SECTION("a candidate") { base.mutable_conflicts(0)->add_candidates()->mutable_stamp()->set_hlc(99); }
  CHECK(LargestHlc(base) == 99);
}

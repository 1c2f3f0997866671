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

  // GENERATE, not SECTIONs: a set-up alone holds no assertion (ctest runs
  // with --warn NoAssertions).
  const int where = GENERATE(0, 1, 2, 3);
  INFO("the stamp of 99 is in place " << where);
  switch (where) {
    case 0: base.mutable_created()->set_hlc(99); break;                                   // created
    case 1: (*base.mutable_fields())["b"].mutable_stamp()->set_hlc(99); break;             // a field
    case 2: base.mutable_conflicts(0)->mutable_resolved_by()->set_hlc(99); break;          // a resolution
    default: base.mutable_conflicts(0)->add_candidates()->mutable_stamp()->set_hlc(99);   // a candidate
  }
  CHECK(LargestHlc(base) == 99);
}

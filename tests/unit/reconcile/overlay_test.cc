#include <catch2/catch.hpp>

#include "common/reconcile/overlay.h"
#include "tests/unit/reconcile/fixtures.h"

using namespace rtest;
using wardsync::reconcile::OverlayPending;
using Pending = std::vector<std::pair<Change, Stamp>>;

TEST_CASE("overlay shows pending changes on top of the server view", "[reconcile]") {
  RecordState view;  // the server does not have the record yet
  Pending pending = {{Create({{"votes", Int(10)}}), S("me", 1, 100)},
                     {Update({{"votes", Int(11), Id("me", 1)}}), S("me", 2, 110)}};
  REQUIRE(OverlayPending(view, pending).ok());
  CHECK(IntOf(view, "votes") == 11);
  CHECK(view.conflicts_size() == 0);
  CHECK(view.log_seq() == 0);
}

TEST_CASE("overlay computes what the server will compute", "[reconcile]") {
  // The server got a's edit, then the device's own pending edit.
  RecordState server = Base();
  Ok(server, Update({{"votes", Int(11), Id("c", 1)}}), S("a", 1, 200), 2);
  RecordState pulled = server;  // what the device pulled
  const Change mine = Update({{"votes", Int(12), Id("c", 1)}, {"turnout", Int(70), Id("c", 1)}});
  const Stamp my_stamp = S("me", 5, 300);
  Ok(server, mine, my_stamp, 3);

  RecordState view = pulled;
  REQUIRE(OverlayPending(view, {{mine, my_stamp}}).ok());
  CHECK(view.log_seq() == 2);  // the server version the view is based on
  RecordState a, b;
  *a.mutable_fields() = view.fields();
  *b.mutable_fields() = server.fields();
  CHECK(Bytes(a) == Bytes(b));
  CHECK(view.conflicts_size() == 1);
}

TEST_CASE("overlay skips a pending change the server view already holds", "[reconcile]") {
  RecordState view = Base();
  const Change mine = Update({{"votes", Int(12), Id("c", 1)}});
  const Stamp my_stamp = S("me", 5, 300);
  Ok(view, mine, my_stamp, 2);  // applied by the server; ack still in flight
  const std::string before = Bytes(view);
  REQUIRE(OverlayPending(view, {{mine, my_stamp}}).ok());
  CHECK(view.conflicts_size() == 0);  // no conflict with itself
  CHECK(Bytes(view) == before);
}

TEST_CASE("overlay is all or nothing", "[reconcile]") {
  RecordState view = Base();
  const std::string before = Bytes(view);
  Change wrong_ward = Update({{"turnout", Int(1), Id("c", 1)}});
  wrong_ward.set_ward("ward-99");
  Pending pending = {{Update({{"votes", Int(12), Id("c", 1)}}), S("me", 5, 300)}, {wrong_ward, S("me", 6, 310)}};
  auto st = OverlayPending(view, pending);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().rfind("pending change 2 of 2: ", 0) == 0);
  CHECK(Bytes(view) == before);
}

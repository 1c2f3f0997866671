// The server's half of "own changes not echoed" (server/pull/own_echo_page.h)
// against the device's (client/sync/own_echo_client.h arithmetic,
// common/echo/own_echo.h): a record is left out only when the device can
// rebuild it exactly.
#include <catch2/catch.hpp>

#include "common/echo/own_echo.h"
#include "proto/sync.pb.h"
#include "server/pull/own_echo_page.h"

namespace {

using namespace wardsync;

records::Stamp StampOf(const std::string& device, uint64_t seq, uint64_t received_ms) {
  records::Stamp s;
  s.mutable_change()->set_device_id(device);
  s.mutable_change()->set_seq(seq);
  s.set_hlc(1000 + seq);
  s.set_officer("An");
  s.set_received_ms(received_ms);
  return s;
}

// The record as the server stores it after device "d" changed two fields
// (seqs 7 and 8), on top of a field another device wrote earlier.
records::RecordState Stored() {
  records::RecordState r;
  r.set_record_id(std::string(16, '\x01'));
  r.set_form_id("voter-meeting");
  r.set_log_seq(42);
  auto& old = (*r.mutable_fields())["candidate"];
  old.mutable_value()->set_text("Bình");
  *old.mutable_stamp() = StampOf("other", 3, 500);
  auto& a = (*r.mutable_fields())["invited"];
  a.mutable_value()->set_integer(100);
  *a.mutable_stamp() = StampOf("d", 7, 9000);
  auto& b = (*r.mutable_fields())["attended"];
  b.mutable_value()->set_integer(80);
  *b.mutable_stamp() = StampOf("d", 8, 9001);
  *r.mutable_last_change() = StampOf("d", 8, 9001);
  return r;
}

const echo::OwnRange kRange{"d", 7, 8};

// What the device expects: the same record before the server stamped it.
records::RecordState Expected() {
  records::RecordState r = Stored();
  r.set_log_seq(5);  // the device's older view
  (*r.mutable_fields())["invited"].mutable_stamp()->set_received_ms(0);
  (*r.mutable_fields())["attended"].mutable_stamp()->set_received_ms(0);
  r.mutable_last_change()->set_received_ms(0);
  return r;
}

server::RawPullPage PageOf(const records::RecordState& r) {
  server::RawPullPage page;
  page.records.push_back(r.SerializeAsString());
  return page;
}

server::OwnEchoAsk AskFor(const records::RecordState& expected) {
  server::OwnEchoAsk ask;
  ask.range = kRange;
  ask.index.emplace(echo::Digest(echo::Normalize(expected, kRange)), 0);
  return ask;
}

}  // namespace

TEST_CASE("own echo: a record the device computed is left out and rebuilt byte for byte", "[pull][own-echo]") {
  server::RawPullPage page = PageOf(Stored());
  server::LeaveOutOwnEchoes(page, AskFor(Expected()));
  REQUIRE(page.records.empty());
  sync::PullBatch extra;
  REQUIRE(extra.ParseFromString(page.extra_fields));
  REQUIRE(extra.own_size() == 1);
  CHECK(extra.own(0).index() == 0);
  CHECK(extra.own(0).log_seq() == 42);
  REQUIRE(extra.received_seq_size() == 2);
  echo::ReceivedTimes times;
  for (int i = 0; i < 2; ++i) times[extra.received_seq(i)] = extra.received_ms(i);
  CHECK(times == echo::ReceivedTimes{{7, 9000}, {8, 9001}});

  records::RecordState rebuilt = echo::Normalize(Expected(), kRange);
  echo::Fill(&rebuilt, kRange, times, extra.own(0).log_seq());
  CHECK(echo::CanonicalBytes(rebuilt) == echo::CanonicalBytes(Stored()));
}

TEST_CASE("own echo: anything ingest changed keeps the record in the page", "[pull][own-echo]") {
  records::RecordState stored = Stored();
  // Each section changes what the server stored, then asks: the record
  // must stay in the page (the checks run inside the section, where
  // --warn NoAssertions looks for them).
  auto kept = [&] {
    server::RawPullPage page = PageOf(stored);
    server::LeaveOutOwnEchoes(page, AskFor(Expected()));
    CHECK(page.records.size() == 1);
    CHECK(page.extra_fields.empty());
  };
  SECTION("a clamped stamp") {
    auto* s = (*stored.mutable_fields())["attended"].mutable_stamp();
    s->set_device_hlc(s->hlc());
    s->set_hlc(s->hlc() - 1);
    kept();
  }
  SECTION("a REJECTED conflict opened by the change") {
    auto* c = stored.add_conflicts();
    c->set_kind(records::REJECTED);
    c->set_open(true);
    kept();
  }
  SECTION("a review state the edit reset") {
    stored.mutable_review()->set_status(changes::REVIEW_RECEIVED);
    *stored.mutable_review()->mutable_stamp() = StampOf("d", 8, 9001);
    kept();
  }
  SECTION("another device's change after the device's") {
    *(*stored.mutable_fields())["candidate"].mutable_stamp() = StampOf("other", 9, 9500);
    kept();
  }
  SECTION("two stamps of one change-set with different times") {
    stored.mutable_last_change()->set_received_ms(9002);
    kept();
  }
}

TEST_CASE("own echo: digests differ for a stamp's received_ms outside the range", "[pull][own-echo]") {
  records::RecordState a = Stored();
  records::RecordState b = Stored();
  (*b.mutable_fields())["candidate"].mutable_stamp()->set_received_ms(501);
  CHECK(echo::Digest(echo::Normalize(a, kRange)) != echo::Digest(echo::Normalize(b, kRange)));
  b = Stored();
  b.set_log_seq(1);  // log_seq alone does not count: the server sends it
  CHECK(echo::Digest(echo::Normalize(a, kRange)) == echo::Digest(echo::Normalize(b, kRange)));
}

// wire::ScanRecordHead (common/wire/record_scan.h) reads from a record's
// bytes what the device stores a pulled record by: it must agree with the
// parse (LargestHlc, log_seq, record_id) for every place a stamp can be.
#include <catch2/catch.hpp>

#include <random>

#include "common/clock/record_hlc.h"
#include "common/wire/frame_scan.h"
#include "common/wire/record_scan.h"
#include "proto/sync.pb.h"

using namespace wardsync;
using records::RecordState;

namespace {

// A record with stamps in every place LargestHlc looks, each hlc drawn at
// random, and `top` put in the one place named by `where`.
RecordState RecordWithStamps(std::mt19937_64& rng, int where, uint64_t top) {
  std::uniform_int_distribution<uint64_t> small(1, 1'000'000);
  auto stamp = [&](records::Stamp* s, int place) {
    s->mutable_change()->set_device_id("device-with-a-long-id-" + std::to_string(place));
    s->mutable_change()->set_seq(small(rng));
    s->set_hlc(place == where ? top : small(rng));
    s->set_officer("Nguyen Van An");  // ASCII: the cuts below must not split a character
    s->set_received_ms(small(rng));
  };
  RecordState r;
  r.set_record_id(std::string(16, static_cast<char>('a' + where)));
  r.set_form_id("voter-meeting");
  r.set_ward("26.27.28.29");
  r.set_log_seq(small(rng));
  stamp(r.mutable_created(), 0);
  stamp(r.mutable_last_change(), 1);
  for (int i = 0; i < 3; ++i) {
    auto& f = (*r.mutable_fields())["field" + std::to_string(i)];
    f.mutable_value()->set_text("giá trị " + std::to_string(i));
    stamp(f.mutable_stamp(), 2 + i);
  }
  auto* c = r.add_conflicts();
  c->set_id("conflict");
  stamp(c->add_candidates()->mutable_stamp(), 5);
  stamp(c->add_candidates()->mutable_stamp(), 6);
  stamp(c->mutable_resolved_by(), 7);
  stamp(r.mutable_review()->mutable_stamp(), 8);
  stamp(r.add_comments()->mutable_stamp(), 9);
  stamp(r.add_comments()->mutable_stamp(), 10);
  return r;
}

}  // namespace

TEST_CASE("ScanRecordHead reads the id, log_seq and largest stamp a parse gives, wherever the stamp is",
          "[unit][wire][pull]") {
  std::mt19937_64 rng(15);
  for (int where = 0; where <= 10; ++where) {
    for (int round = 0; round < 20; ++round) {
      const RecordState r = RecordWithStamps(rng, where, 5'000'000 + static_cast<uint64_t>(round));
      const std::string bytes = r.SerializeAsString();
      wire::PulledRecordHead head;
      REQUIRE(wire::ScanRecordHead(bytes, &head));
      CHECK(head.record_id == r.record_id());
      CHECK(head.log_seq == r.log_seq());
      CHECK(head.largest_hlc == LargestHlc(r));
      CHECK(head.largest_hlc == 5'000'000 + static_cast<uint64_t>(round));  // the planted one is the largest
    }
  }
  // An unknown group (no message here declares one; protobuf keeps it as
  // an unknown field): stepped over as a parse does.
  {
    const RecordState r = RecordWithStamps(rng, 4, 7'000'000);
    const char group[] = {static_cast<char>(0x93), 0x03,  // field 50, start group
                          0x08, 0x05,                     // field 1, varint 5
                          static_cast<char>(0x94), 0x03};  // field 50, end group
    const std::string bytes = std::string(group, sizeof group) + r.SerializeAsString();
    RecordState parsed;
    REQUIRE(parsed.ParseFromString(bytes));
    wire::PulledRecordHead head;
    REQUIRE(wire::ScanRecordHead(bytes, &head));
    CHECK(head.largest_hlc == 7'000'000);
    CHECK(head.log_seq == r.log_seq());
  }
  // A record with no stamp at all, and an empty one.
  RecordState bare;
  bare.set_record_id(std::string(16, 'z'));
  wire::PulledRecordHead head;
  REQUIRE(wire::ScanRecordHead(bare.SerializeAsString(), &head));
  CHECK(head.largest_hlc == 0);
  CHECK(head.log_seq == 0);
  REQUIRE(wire::ScanRecordHead("", &head));
  CHECK(head.record_id.empty());
}

TEST_CASE("ScanRecordHead refuses bytes that are not a record, at any depth it walks", "[unit][wire][pull]") {
  std::mt19937_64 rng(7);
  const std::string bytes = RecordWithStamps(rng, 3, 99).SerializeAsString();
  wire::PulledRecordHead head;
  // Cut anywhere inside: a field or a nested stamp left short.
  int refused = 0;
  for (size_t cut = 1; cut < bytes.size(); ++cut) {
    RecordState parsed;
    const bool parses = parsed.ParseFromArray(bytes.data(), static_cast<int>(cut));
    const bool scans = wire::ScanRecordHead(std::string_view(bytes).substr(0, cut), &head);
    // Whatever the scan accepts, protobuf parses too (never the reverse
    // needed: a refused page is parsed for its error).
    if (scans) CHECK(parses);
    refused += scans ? 0 : 1;
  }
  CHECK(refused > 0);
  // A nested stamp holding a truncated varint.
  RecordState r;
  r.set_record_id(std::string(16, 'q'));
  std::string broken = r.SerializeAsString();
  broken += std::string("\x3a\x02\x10\xff", 4);  // created (7) { hlc (2): a varint that never ends }
  CHECK_FALSE(wire::ScanRecordHead(broken, &head));
}

TEST_CASE("SplitPullBatch leaves a frame that parses to the page without its records", "[unit][wire][pull]") {
  sync::Frame first, second;
  for (int i = 0; i < 3; ++i) {
    auto* r = first.mutable_pull_batch()->add_records();
    r->set_record_id(std::string(16, static_cast<char>('a' + i)));
    r->set_log_seq(10 + static_cast<uint64_t>(i));
  }
  first.mutable_pull_batch()->set_cursor(12);
  first.mutable_pull_batch()->set_more(true);
  first.mutable_pull_batch()->add_own()->set_index(4);
  first.mutable_pull_batch()->add_received_seq(7);
  first.mutable_pull_batch()->add_received_ms(1700);
  // The splice filler (field 15) inside the second occurrence.
  second.mutable_pull_batch()->add_records()->set_record_id(std::string(16, 'd'));
  second.mutable_pull_batch()->set_remaining(3);
  std::string filler_batch;
  filler_batch.push_back(static_cast<char>(wire::kSpliceFillerField << 3 | 2));
  filler_batch.push_back(4);
  filler_batch += "pad!";
  std::string payload = first.SerializeAsString() + second.SerializeAsString();
  payload.push_back(static_cast<char>(sync::Frame::kPullBatchFieldNumber << 3 | 2));
  payload.push_back(static_cast<char>(filler_batch.size()));
  payload += filler_batch;

  sync::Frame whole;
  REQUIRE(whole.ParseFromString(payload));
  std::vector<std::string_view> records;
  std::string rest;
  REQUIRE(wire::SplitPullBatch(payload, &records, &rest));
  REQUIRE(records.size() == 4);
  for (size_t i = 0; i < records.size(); ++i) {
    RecordState r;
    REQUIRE(r.ParseFromArray(records[i].data(), static_cast<int>(records[i].size())));
    CHECK(r.record_id() == whole.pull_batch().records(static_cast<int>(i)).record_id());
  }
  sync::Frame without;
  REQUIRE(without.ParseFromString(rest));
  REQUIRE(without.has_pull_batch());
  CHECK(without.pull_batch().records_size() == 0);
  CHECK(without.pull_batch().GetReflection()->GetUnknownFields(without.pull_batch()).empty());  // no filler left to parse
  whole.mutable_pull_batch()->clear_records();
  whole.mutable_pull_batch()->GetReflection()->MutableUnknownFields(whole.mutable_pull_batch())->Clear();
  CHECK(without.SerializeAsString() == whole.SerializeAsString());
  CHECK(rest.size() < payload.size() / 2);

  // An empty page stays a pull page; anything else is not one.
  sync::Frame empty;
  empty.mutable_pull_batch();
  REQUIRE(wire::SplitPullBatch(empty.SerializeAsString(), &records, &rest));
  CHECK(records.empty());
  REQUIRE(without.ParseFromString(rest));
  CHECK(without.has_pull_batch());
  sync::Frame ack;
  ack.mutable_push_ack()->set_acked_seq(2);
  CHECK_FALSE(wire::SplitPullBatch(ack.SerializeAsString(), &records, &rest));
}

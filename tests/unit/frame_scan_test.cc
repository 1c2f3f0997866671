// The count-first scan of frames (common/wire/frame_scan.h) and the bounds
// ParseFramePayload applies with it, inside compressed frames too.
#include <catch2/catch.hpp>

#include "common/wire/compression.h"
#include "common/wire/content_limits.h"
#include "common/wire/frame_scan.h"
#include "common/wire/protocol_limits.h"
#include "server/ingest/volume_quota.h"

using namespace wardsync;

namespace {

std::string PushOf(size_t n, size_t body_bytes) {
  sync::Frame f;
  for (size_t i = 0; i < n; ++i) f.mutable_push()->add_change_sets()->set_body(std::string(body_bytes, 'b'));
  return f.SerializeAsString();
}

}  // namespace

TEST_CASE("ScanFrame bounds push counts, change-set sizes and small frames before parsing", "[unit][wire][dos]") {
  const wire::FrameBounds b{10, 100, 1000};
  CHECK(wire::ScanFrame(PushOf(10, 50), b).ok());
  Status many = wire::ScanFrame(PushOf(11, 1), b);
  CHECK(many.code() == Status::Code::kResourceExhausted);
  CHECK_THAT(many.message(), Catch::Contains("push of more than 10 change-sets"));
  CHECK(wire::ScanFrame(PushOf(1, 200), b).code() == Status::Code::kResourceExhausted);
  // Two Push fields in one frame are merged by protobuf: counted together.
  const std::string twice = PushOf(6, 1) + PushOf(6, 1);
  CHECK(wire::ScanFrame(twice, b).code() == Status::Code::kResourceExhausted);
  sync::Frame pull;
  pull.mutable_pull_request()->set_cursor(7);
  CHECK(wire::ScanFrame(pull.SerializeAsString(), b).ok());
  pull.mutable_pull_request()->GetReflection()->MutableUnknownFields(pull.mutable_pull_request())->AddLengthDelimited(15, std::string(2000, 'p'));
  CHECK(wire::ScanFrame(pull.SerializeAsString(), b).code() == Status::Code::kResourceExhausted);
  CHECK(wire::ScanFrame(std::string("\x1a\x05\x0a", 3), b).code() == Status::Code::kInvalidArgument);
  CHECK(wire::ScanFrame(PushOf(1000, 0), {}).ok());  // no bounds: nothing checked
  CHECK(wire::FrameType(PushOf(1, 1)) == sync::Frame::kPushFieldNumber);
}

TEST_CASE("a compressed frame is bounded by the kind it holds before it is decompressed", "[unit][wire][dos]") {
  const wire::FrameBounds b{10, 100, 1000};
  auto envelope = [](const std::string& inner) {
    std::string z = wire::ZstdCompress(inner);
    sync::Frame e;
    e.set_zstd(z);
    return e.SerializeAsString();
  };
  sync::Frame f;
  CHECK(wire::ParseFramePayload(envelope(PushOf(10, 50)), 1 << 20, true, &f, b).ok());
  CHECK(f.push().change_sets_size() == 10);
  // 400,000 empty change-sets: a few hundred bytes compressed.
  Status bomb = wire::ParseFramePayload(envelope(PushOf(400'000, 0)), 1 << 20, true, &f, b);
  CHECK(bomb.code() == Status::Code::kResourceExhausted);
  sync::Frame pull;
  pull.mutable_pull_request()->GetReflection()->MutableUnknownFields(pull.mutable_pull_request())->AddLengthDelimited(15, std::string(5000, 'p'));
  Status small = wire::ParseFramePayload(envelope(pull.SerializeAsString()), 1 << 20, true, &f, b);
  CHECK(small.code() == Status::Code::kResourceExhausted);
  CHECK_THAT(small.message(), Catch::Contains("compressed frame of this kind declaring"));
  CHECK(wire::ZstdPeek(wire::ZstdCompress(PushOf(3, 3)), 2) == PushOf(3, 3).substr(0, 2));
}

TEST_CASE("change-set content limits name what is too large", "[unit][wire][dos]") {
  const wire::ContentLimits l = wire::ContentLimitsOf(wire::ProtocolMinimumLimits());
  changes::ChangeSetBody body;
  body.set_officer(std::string(wire::kMinOfficerBytes, 'o'));
  CHECK(wire::CheckChangeSetBody(body, 100, l).ok());
  body.set_officer(std::string(wire::kMinOfficerBytes + 1, 'o'));
  CHECK_THAT(wire::CheckChangeSetBody(body, 100, l).message(), Catch::Contains("officer name of 65 bytes"));
  body.set_officer("An");
  auto* set = body.add_changes()->add_sets();
  set->set_field("notes");
  set->mutable_value()->set_text(std::string(wire::kMinTextBytes + 1, 't'));
  CHECK_THAT(wire::CheckChangeSetBody(body, 100, l).message(), Catch::Contains("value of field \"notes\""));
  set->mutable_value()->set_text("ok");
  CHECK(wire::CheckChangeSetBody(body, wire::kMinChangeSetBytes + 1, l).code() == Status::Code::kResourceExhausted);
}

TEST_CASE("the daily volume quota counts per device and UTC day in the device row", "[unit][dos]") {
  const server::VolumeQuota q(2, 1000);
  const uint64_t day = 24ull * 3600 * 1000;
  store::Device a, b;
  a.set_id("a");
  b.set_id("b");
  CHECK(q.Check(a, 10, 5).ok());
  q.Count(a, 10, 5);
  q.Count(a, 10, 6);
  CHECK(a.quota_sets() == 2);
  CHECK(a.quota_bytes() == 20);
  CHECK_THAT(q.Check(a, 10, 7).message(), Catch::Contains("quota of 2 change-sets today"));
  // What the row holds is the count: a row read back after a restart refuses alike.
  store::Device reread;
  REQUIRE(reread.ParseFromString(a.SerializeAsString()));
  CHECK_THAT(q.Check(reread, 10, 7).message(), Catch::Contains("quota of 2 change-sets today"));
  CHECK(q.Check(b, 10, 7).ok());        // another device
  CHECK(q.Check(a, 10, day + 1).ok());  // the next day
  q.Count(a, 10, day + 1);
  CHECK(a.quota_sets() == 1);  // a new day starts from zero
  CHECK_THAT(q.Check(b, 1001, 7).message(), Catch::Contains("quota of 1000 bytes"));
}

TEST_CASE("an attachment chunk frame may carry the negotiated chunk size, other attachment frames stay small",
          "[unit][wire][dos][attach]") {
  // The server's bounds after the hello: small frames 1000 bytes, a chunk
  // frame 5000 (its chunk size plus the framing around the data).
  wire::FrameBounds b{10, 100, 1000};
  b.max_chunk_frame_bytes = 5000;
  auto chunk = [](size_t n) {
    sync::Frame f;
    auto* c = f.mutable_attachment_chunk();
    c->set_sha256(std::string(64, 'a'));
    c->set_offset(0);
    c->set_data(std::string(n, 'x'));
    return f.SerializeAsString();
  };
  CHECK(wire::ScanFrame(chunk(4800), b).ok());
  Status big = wire::ScanFrame(chunk(5000), b);
  CHECK(big.code() == Status::Code::kResourceExhausted);
  CHECK_THAT(big.message(), Catch::Contains("exceeds the limit of 5000"));
  // An offer is a small frame whatever the chunk size.
  sync::Frame offer;
  offer.mutable_attachment_offer()->set_sha256(std::string(64, 'a'));
  offer.mutable_attachment_offer()->set_field(std::string(2000, 'f'));
  CHECK(wire::ScanFrame(offer.SerializeAsString(), b).code() == Status::Code::kResourceExhausted);
  // Without a chunk bound a chunk is a small frame, as before attachments.
  CHECK(wire::ScanFrame(chunk(4800), wire::FrameBounds{10, 100, 1000}).code() == Status::Code::kResourceExhausted);
  // Compressed: the declared size is bounded by the kind inside too.
  auto envelope = [](const std::string& inner) {
    sync::Frame e;
    e.set_zstd(wire::ZstdCompress(inner));
    return e.SerializeAsString();
  };
  sync::Frame f;
  REQUIRE(wire::ParseFramePayload(envelope(chunk(4800)), 1 << 20, true, &f, b).ok());
  CHECK(f.attachment_chunk().data().size() == 4800);
  CHECK(wire::ParseFramePayload(envelope(chunk(20000)), 1 << 20, true, &f, b).code() ==
        Status::Code::kResourceExhausted);
}

TEST_CASE("content limits accept an attachment value and bound its strings", "[unit][wire][dos][attach]") {
  const wire::ContentLimits l = wire::ContentLimitsOf(wire::ProtocolMinimumLimits());
  changes::ChangeSetBody body;
  body.set_officer("An");
  auto* set = body.add_changes()->add_sets();
  set->set_field("signed_minutes");
  auto* a = set->mutable_value()->mutable_attachment();
  a->set_sha256(std::string(64, 'a'));
  a->set_size(123456);
  a->set_media_type("image/jpeg");
  a->set_name("bien-ban.jpg");
  CHECK(wire::CheckChangeSetBody(body, 200, l).ok());
  a->set_name(std::string(wire::kMinTextBytes + 1, 'n'));
  Status s = wire::CheckChangeSetBody(body, 200, l);
  CHECK(s.code() == Status::Code::kResourceExhausted);
  CHECK_THAT(s.message(), Catch::Contains("value of field \"signed_minutes\" (attachment name)"));
}

TEST_CASE("PullBatchRecordBytes finds each pulled record's bytes in parse order, across spliced batches",
          "[unit][wire]") {
  auto record = [](int i) {
    records::RecordState r;
    r.set_record_id(std::string(15, 'r') + static_cast<char>('a' + i));
    r.set_form_id("voter-meeting");
    r.set_log_seq(100 + static_cast<uint64_t>(i));
    (*r.mutable_fields())["invited"].mutable_value()->set_integer(i);
    return r;
  };
  sync::Frame first, second;
  for (int i = 0; i < 3; ++i) *first.mutable_pull_batch()->add_records() = record(i);
  first.mutable_pull_batch()->set_cursor(5);
  for (int i = 3; i < 5; ++i) *second.mutable_pull_batch()->add_records() = record(i);
  second.mutable_pull_batch()->set_more(true);
  // Two pull_batch occurrences, as a page spliced from cached pieces has:
  // protobuf merges them, appending the second's records.
  const std::string payload = first.SerializeAsString() + second.SerializeAsString();
  sync::Frame parsed;
  REQUIRE(parsed.ParseFromString(payload));
  REQUIRE(parsed.pull_batch().records_size() == 5);

  std::vector<std::string_view> found;
  REQUIRE(wire::PullBatchRecordBytes(payload, &found));
  REQUIRE(found.size() == 5);
  for (int i = 0; i < 5; ++i) {
    records::RecordState r;
    REQUIRE(r.ParseFromArray(found[static_cast<size_t>(i)].data(), static_cast<int>(found[static_cast<size_t>(i)].size())));
    CHECK(r.record_id() == parsed.pull_batch().records(i).record_id());
    CHECK(r.log_seq() == 100u + static_cast<uint64_t>(i));
  }

  // Not a pull page, or not a frame at all: false.
  sync::Frame ack;
  ack.mutable_push_ack()->set_acked_seq(3);
  CHECK_FALSE(wire::PullBatchRecordBytes(ack.SerializeAsString(), &found));
  CHECK_FALSE(wire::PullBatchRecordBytes(payload.substr(0, payload.size() - 3), &found));
  // An empty page is a pull page with no records.
  sync::Frame empty;
  empty.mutable_pull_batch()->set_cursor(9);
  REQUIRE(wire::PullBatchRecordBytes(empty.SerializeAsString(), &found));
  CHECK(found.empty());
}

TEST_CASE("PullBatchNext reads the cursor and more a parse would give, before the page is parsed", "[unit][wire]") {
  sync::Frame first, second;
  first.mutable_pull_batch()->add_records()->set_record_id(std::string(16, 'a'));
  first.mutable_pull_batch()->set_cursor(5);
  first.mutable_pull_batch()->set_more(true);
  first.mutable_pull_batch()->set_remaining(40);
  second.mutable_pull_batch()->add_records()->set_record_id(std::string(16, 'b'));
  second.mutable_pull_batch()->set_cursor(9);
  uint64_t cursor = 0;
  bool more = false;
  // One batch: its own values.
  REQUIRE(wire::PullBatchNext(first.SerializeAsString(), &cursor, &more));
  CHECK(cursor == 5);
  CHECK(more);
  // Two occurrences, as a spliced page has: protobuf keeps the last value
  // set (the second sets no `more`, so the first's true stands).
  const std::string merged = first.SerializeAsString() + second.SerializeAsString();
  sync::Frame parsed;
  REQUIRE(parsed.ParseFromString(merged));
  REQUIRE(wire::PullBatchNext(merged, &cursor, &more));
  CHECK(cursor == parsed.pull_batch().cursor());
  CHECK(more == parsed.pull_batch().more());
  CHECK(cursor == 9);
  // The last page of a pull says no more.
  second.mutable_pull_batch()->set_more(false);
  REQUIRE(wire::PullBatchNext(second.SerializeAsString(), &cursor, &more));
  CHECK_FALSE(more);
  // Not a pull page, or cut short: false.
  sync::Frame ack;
  ack.mutable_push_ack()->set_acked_seq(3);
  CHECK_FALSE(wire::PullBatchNext(ack.SerializeAsString(), &cursor, &more));
  const std::string whole = first.SerializeAsString();
  CHECK_FALSE(wire::PullBatchNext(whole.substr(0, whole.size() - 1), &cursor, &more));
}

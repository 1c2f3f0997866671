// AppendOutboxRecordIds reads the same record ids as parsing the whole
// outbox entry (what ClientStore::Acknowledge did before), and refuses bytes
// that are cut or malformed along its path.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "client/store/outbox_record_ids.h"
#include "proto/changes.pb.h"
#include "proto/store.pb.h"

using namespace wardsync;

namespace {

std::string RandomBytes(std::mt19937& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// For string fields (protobuf checks they are UTF-8).
std::string RandomText(std::mt19937& rng, size_t n) {
  std::string s(n, ' ');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

// An outbox entry with `changes` changes, each with fields around the id
// (field values, stamps of every type) so the scan has to skip them.
store::OutboxEntry RandomEntry(std::mt19937& rng, int changes) {
  changes::ChangeSetBody body;
  body.set_format(1);
  body.set_device_id(RandomText(rng, 32));
  body.set_seq(rng() % 100000 + 1);
  body.set_prev_hash(RandomBytes(rng, 32));
  body.set_hlc((uint64_t{rng()} << 20) | rng());
  body.set_officer("Nguyễn Thị Hoa");
  for (int i = 0; i < changes; ++i) {
    auto* c = body.add_changes();
    c->set_op(changes::Change::UPDATE);
    c->set_form_id("voter-meeting");
    c->set_form_version(2);
    c->set_ward("phuong-tan-thinh");
    if (rng() % 2) c->set_record_id(RandomBytes(rng, 16));  // set before or after the other fields
    auto* fs = c->add_sets();
    fs->set_field("attended");
    fs->mutable_value()->set_integer(static_cast<int64_t>(rng() % 1000));
    auto* text = c->add_sets();
    text->set_field("notes");
    text->mutable_value()->set_text(RandomText(rng, rng() % 300));
    if (c->record_id().empty() && rng() % 5 != 0) c->set_record_id(RandomBytes(rng, 16));  // sometimes none at all
  }
  body.set_key_epoch(rng() % 3);
  store::OutboxEntry e;
  e.mutable_signed_()->set_body(body.SerializeAsString());
  e.mutable_signed_()->set_signature(RandomBytes(rng, 64));
  e.set_created_ms(1'700'000'000'000 + rng());
  return e;
}

std::vector<std::string> ByFullParse(const store::OutboxEntry& e) {
  changes::ChangeSetBody body;
  REQUIRE(body.ParseFromString(e.signed_().body()));
  std::vector<std::string> ids;
  for (const auto& c : body.changes()) ids.push_back(c.record_id());
  return ids;
}

}  // namespace

TEST_CASE("outbox record ids: the same ids as a full parse, in order", "[client][outbox]") {
  std::mt19937 rng(20261127);
  for (int round = 0; round < 300; ++round) {
    const auto entry = RandomEntry(rng, static_cast<int>(rng() % 12));
    std::vector<std::string> ids;
    REQUIRE(client::AppendOutboxRecordIds(entry.SerializeAsString(), &ids).ok());
    std::vector<std::string> expected = ByFullParse(entry);
    // A change without a record id has none on the wire: proto3 drops the
    // empty bytes field, and there is no pend/ key to delete for it.
    expected.erase(std::remove(expected.begin(), expected.end(), std::string()), expected.end());
    CHECK(ids == expected);
  }
  std::vector<std::string> ids{"kept"};
  REQUIRE(client::AppendOutboxRecordIds(store::OutboxEntry().SerializeAsString(), &ids).ok());
  CHECK(ids == std::vector<std::string>{"kept"});  // appends, never clears
}

TEST_CASE("outbox record ids: bytes cut inside the change-set are refused", "[client][outbox]") {
  std::mt19937 rng(7);
  store::OutboxEntry only_signed;  // so that every cut falls inside the change-set
  *only_signed.mutable_signed_() = RandomEntry(rng, 3).signed_();
  const std::string bytes = only_signed.SerializeAsString();
  for (size_t cut = 1; cut < bytes.size(); ++cut) {
    std::vector<std::string> ids;
    INFO("cut at " << cut << " of " << bytes.size());
    CHECK(client::AppendOutboxRecordIds(std::string_view(bytes).substr(0, cut), &ids).code() ==
          Status::Code::kCorruption);
  }
  std::vector<std::string> ids;
  CHECK(!client::AppendOutboxRecordIds("\x0a\x05\x0a\x09", &ids).ok());  // inner length past the outer one
  CHECK(!client::AppendOutboxRecordIds("\x0f", &ids).ok());              // wire type 7 does not exist
}

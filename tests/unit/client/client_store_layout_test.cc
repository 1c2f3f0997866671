// The client store's record layout (client/store/client_keys.h): a pulled
// record is stored once, under srv/; loc/ only where the local view differs
// (pending changes overlaid, or a record made here not yet pulled back);
// LocalRecord and ForEachLocal read loc/ over srv/; stores written in the
// old layout (both keys for every pulled record) read the same.
#include <algorithm>

#include "client/store/client_keys.h"
#include "common/store/proto_io.h"
#include "common/wire/frame_scan.h"
#include "tests/unit/client/client_fixture.h"

using namespace client_test;
using wardsync::records::RecordState;
namespace ckeys = wardsync::client::keys;

namespace {

// A pulled record as the server would send it, built by hand: the store
// does not check the record's form, only its id and log_seq.
RecordState Pulled(char id_byte, const std::string& form_id, uint64_t log_seq, const std::string& notes) {
  RecordState r;
  r.set_record_id(std::string(15, '\x07') + id_byte);
  r.set_form_id(form_id);
  r.set_form_version(1);
  r.set_ward(kWard);
  r.set_log_seq(log_seq);
  (*r.mutable_fields())["notes"].mutable_value()->set_text(notes);
  return r;
}

std::string Raw(const std::string& hex) {
  std::string raw;
  REQUIRE(changes_util::ParseRecordId(hex, &raw));
  return raw;
}

bool Has(KvStore& kv, const std::string& key) {
  std::string value;
  return kv.Get(key, &value).ok();
}

// Every local record (of one form if given) in ForEachLocal's order.
std::vector<RecordState> AllLocal(client::ClientStore& cs, std::optional<std::string> form_id = std::nullopt) {
  std::vector<RecordState> out;
  REQUIRE(cs.ForEachLocal(std::move(form_id), [&](const RecordState& r) { out.push_back(r); }).ok());
  return out;
}

std::vector<std::string> Ids(const std::vector<RecordState>& records) {
  std::vector<std::string> ids;
  for (const auto& r : records) ids.push_back(r.record_id());
  return ids;
}

}  // namespace

TEST_CASE("a pulled record with nothing pending is stored once, under srv/", "[client][store-layout]") {
  ManualClock clock;
  Device dev(clock);
  // A device that made change-sets too: it cannot skip the loc/ deletes.
  const bool made_changes = GENERATE(false, true);
  if (made_changes) {
    REQUIRE(dev.capture->New("voter-meeting", Meeting()).ok());
    REQUIRE(dev.cs->Acknowledge(1).ok());
  }
  const size_t own = made_changes ? 1 : 0;
  const RecordState a = Pulled('a', "voter-meeting", 5, "một");
  const RecordState b = Pulled('b', "complaint", 6, "hai");
  REQUIRE(dev.cs->ApplyPull({a, b}, 6).ok());

  CHECK(CountPrefix(*dev.db, ckeys::kServerRecordPrefix) == 2);
  CHECK(CountPrefix(*dev.db, ckeys::kLocalRecordPrefix) == own);  // the own record not yet pulled back
  CHECK_FALSE(Has(*dev.db, ckeys::LocalRecord(a.record_id())));
  for (const RecordState& r : {a, b}) {
    auto local = dev.cs->LocalRecord(r.record_id());
    REQUIRE(local.ok());
    REQUIRE(local->has_value());
    CHECK(Same(**local, r));
  }
  CHECK(AllLocal(*dev.cs).size() == 2 + own);
  auto unknown = dev.cs->LocalRecord(std::string(16, '\x01'));
  REQUIRE(unknown.ok());
  CHECK_FALSE(unknown->has_value());
}

TEST_CASE("loc/ is kept while a change is pending and dropped by the pull that brings it back",
          "[client][store-layout]") {
  ManualClock clock;
  Device dev(clock);
  auto id = dev.capture->New("voter-meeting", Meeting("120", "95"));
  REQUIRE(id.ok());
  const std::string raw = Raw(*id);
  // Made here, not yet pulled: loc/ alone.
  CHECK(Has(*dev.db, ckeys::LocalRecord(raw)));
  CHECK_FALSE(Has(*dev.db, ckeys::ServerRecord(raw)));

  RecordState server;
  ServerApply(server, dev.Outbox()[0], 1, clock.NowMs());
  REQUIRE(dev.cs->Acknowledge(1).ok());
  CHECK(Has(*dev.db, ckeys::LocalRecord(raw)));  // acknowledged, not yet pulled back: still the local view
  REQUIRE(dev.cs->ApplyPull({server}, 1).ok());
  CHECK_FALSE(Has(*dev.db, ckeys::LocalRecord(raw)));
  CHECK(Same(dev.Local(*id), server));

  // An edit made offline: the local view differs from the server's again.
  clock.Advance(1000);
  REQUIRE(dev.capture->Edit(*id, {{"attended", "90"}}).ok());
  const auto edit = dev.Outbox()[0];
  REQUIRE(Has(*dev.db, ckeys::LocalRecord(raw)));
  CHECK(dev.Local(*id).fields().at("attended").value().integer() == 90);

  // A pull of the server view without the edit keeps the edit on top.
  REQUIRE(dev.cs->ApplyPull({server}, 2).ok());
  CHECK(Has(*dev.db, ckeys::LocalRecord(raw)));
  CHECK(dev.Local(*id).fields().at("attended").value().integer() == 90);
  CHECK((*dev.cs->ServerRecord(raw))->fields().at("attended").value().integer() == 95);
  const auto listed = AllLocal(*dev.cs);
  REQUIRE(listed.size() == 1);
  CHECK(Same(listed[0], dev.Local(*id)));  // loc/ wins over srv/, once

  // The edit acknowledged and pulled back: one copy again, the server's.
  ServerApply(server, edit, 3, clock.NowMs());
  REQUIRE(dev.cs->Acknowledge(2).ok());
  CHECK(dev.Local(*id).fields().at("attended").value().integer() == 90);
  REQUIRE(dev.cs->ApplyPull({server}, 3).ok());
  CHECK_FALSE(Has(*dev.db, ckeys::LocalRecord(raw)));
  CHECK(Same(dev.Local(*id), server));
  CHECK(CountPrefix(*dev.db, ckeys::kLocalRecordPrefix) == 0);
  CHECK(CountPrefix(*dev.db, ckeys::kServerRecordPrefix) == 1);
}

TEST_CASE("ForEachLocal merges srv/ and loc/ in record id order, loc/ winning", "[client][store-layout]") {
  ManualClock clock;
  Device dev(clock);
  // Own records, not pulled back (loc/ alone); one of them pulled back and
  // edited again (both keys).
  std::vector<std::string> own;
  for (int i = 0; i < 4; ++i) {
    auto id = dev.capture->New("voter-meeting", Meeting(std::to_string(100 + i)));
    REQUIRE(id.ok());
    own.push_back(Raw(*id));
  }
  RecordState echoed;
  ServerApply(echoed, dev.Outbox()[0], 1, clock.NowMs());
  REQUIRE(dev.cs->Acknowledge(1).ok());
  // Others' records (srv/ alone), ids spread among the own ones, two forms.
  std::vector<RecordState> pulled = {echoed};
  for (char c : {'\x00', '\x55', '\xaa', '\xff'}) {
    RecordState r = Pulled(c, c == '\x55' ? "complaint" : "voter-meeting", 2, "pulled");
    r.mutable_record_id()->front() = c;  // first and last byte: spread among the own (random) ids
    pulled.push_back(r);
  }
  REQUIRE(dev.cs->ApplyPull(pulled, 5).ok());
  REQUIRE(dev.capture->Edit(changes_util::RecordIdText(echoed.record_id()), {{"notes", "sửa lại"}}).ok());
  REQUIRE(Has(*dev.db, ckeys::LocalRecord(echoed.record_id())));
  REQUIRE(Has(*dev.db, ckeys::ServerRecord(echoed.record_id())));

  std::vector<std::string> expected = own;
  for (size_t i = 1; i < pulled.size(); ++i) expected.push_back(pulled[i].record_id());
  std::sort(expected.begin(), expected.end());

  const auto all = AllLocal(*dev.cs);
  CHECK(Ids(all) == expected);
  for (const auto& r : all) {
    auto one = dev.cs->LocalRecord(r.record_id());
    REQUIRE(one.ok());
    REQUIRE(one->has_value());
    CHECK(Same(**one, r));
    if (r.record_id() == echoed.record_id()) CHECK(r.fields().at("notes").value().text() == "sửa lại");
  }

  const auto complaints = AllLocal(*dev.cs, "complaint");
  REQUIRE(complaints.size() == 1);
  CHECK(complaints[0].record_id() == pulled[2].record_id());
  const auto meetings = AllLocal(*dev.cs, "voter-meeting");
  CHECK(meetings.size() == expected.size() - 1);
  CHECK(std::is_sorted(meetings.begin(), meetings.end(),
                       [](const RecordState& x, const RecordState& y) { return x.record_id() < y.record_id(); }));
  CHECK(AllLocal(*dev.cs, "no-such-form").empty());
}

TEST_CASE("a store written in the old layout (loc/ beside every srv/) reads the same", "[client][store-layout]") {
  ManualClock clock;
  Device dev(clock);
  // Written as before session 12: every pulled record under both keys, the
  // same bytes; one record with an officer's edit on top in loc/.
  const RecordState a = Pulled('a', "voter-meeting", 3, "một");
  const RecordState b = Pulled('b', "complaint", 4, "hai");
  RecordState b_local = b;
  (*b_local.mutable_fields())["notes"].mutable_value()->set_text("hai, sửa ở máy này");
  WriteBatch old;
  for (const RecordState* r : {&a, &b}) {
    PutProto(old, ckeys::ServerRecord(r->record_id()), *r);
    PutProto(old, ckeys::LocalRecord(r->record_id()), r == &b ? b_local : *r);
  }
  store::SyncState state = *dev.cs->State();
  state.set_pull_cursor(4);
  PutProto(old, std::string(ckeys::kState), state);
  REQUIRE(dev.db->Write(old, true).ok());

  dev.Close();
  dev.Open();
  CHECK(Same(**dev.cs->LocalRecord(a.record_id()), a));
  CHECK(Same(**dev.cs->LocalRecord(b.record_id()), b_local));
  auto all = AllLocal(*dev.cs);
  REQUIRE(all.size() == 2);
  CHECK(Same(all[0], a));
  CHECK(Same(all[1], b_local));
  CHECK(Ids(AllLocal(*dev.cs, "complaint")) == std::vector<std::string>{b.record_id()});
  auto pending = dev.cs->PendingLocalRecords(10);
  REQUIRE(pending.ok());
  CHECK((*pending)->empty());

  // A newer server view of a record, pulled by this device that never made
  // a change-set: the stale loc/ goes (it would win over the new srv/).
  RecordState a2 = a;
  a2.set_log_seq(5);
  (*a2.mutable_fields())["notes"].mutable_value()->set_text("một, mới");
  REQUIRE(dev.cs->ApplyPull({a2}, 5).ok());
  CHECK_FALSE(Has(*dev.db, ckeys::LocalRecord(a.record_id())));
  CHECK(Same(**dev.cs->LocalRecord(a.record_id()), a2));
  all = AllLocal(*dev.cs);
  REQUIRE(all.size() == 2);
  CHECK(Same(all[0], a2));
  CHECK(Same(all[1], b_local));
}

TEST_CASE("a fresh device's pull still ignores an older view of a record it holds", "[client][store-layout]") {
  ManualClock clock;
  Device dev(clock);
  const RecordState newer = Pulled('a', "voter-meeting", 9, "mới");
  RecordState older = newer;
  older.set_log_seq(4);
  (*older.mutable_fields())["notes"].mutable_value()->set_text("cũ");
  // The first page finds no srv/ at all and reads no stored view; later
  // pages must still compare with what the earlier ones stored.
  REQUIRE(dev.cs->ApplyPull({newer, Pulled('b', "complaint", 10, "khác")}, 10).ok());
  REQUIRE(dev.cs->ApplyPull({older}, 11).ok());
  CHECK(Same(**dev.cs->LocalRecord(newer.record_id()), newer));
  // Reopened: the store holds server views, so every pulled record is compared.
  dev.Close();
  dev.Open();
  REQUIRE(dev.cs->ApplyPull({older}, 12).ok());
  CHECK(Same(**dev.cs->ServerRecord(newer.record_id()), newer));
  CHECK(dev.cs->State()->pull_cursor() == 12);
}

TEST_CASE("a device's first edit, made between two pulled pages, is kept on top and dropped when pulled back",
          "[client][store-layout]") {
  // ApplyPull skips the loc/ deletes only while the device has made no
  // change-set and holds no loc/ key. That must be decided again for every
  // page, under the store's lock: an edit made after the first page puts a
  // loc/ key that a later page has to overlay or drop.
  ManualClock clock;
  Device dev(clock);
  Device other(clock);
  auto id = other.capture->New("voter-meeting", Meeting("120", "95"));
  REQUIRE(id.ok());
  const std::string raw = Raw(*id);
  RecordState server;
  ServerApply(server, other.Outbox()[0], 1, clock.NowMs());

  REQUIRE(dev.cs->ApplyPull({server}, 1).ok());  // a fresh device: no loc/ to drop, none written
  CHECK(CountPrefix(*dev.db, ckeys::kLocalRecordPrefix) == 0);

  clock.Advance(1000);
  REQUIRE(dev.capture->Edit(*id, {{"attended", "90"}}).ok());  // the device's first change-set
  const auto edit = dev.Outbox()[0];
  REQUIRE(Has(*dev.db, ckeys::LocalRecord(raw)));

  // Another device's edit comes in while ours is pending: both are seen.
  clock.Advance(1000);
  REQUIRE(other.cs->Acknowledge(1).ok());
  REQUIRE(other.cs->ApplyPull({server}, 1).ok());
  REQUIRE(other.capture->Edit(*id, {{"invited", "130"}}).ok());
  ServerApply(server, other.Outbox()[0], 2, clock.NowMs());
  REQUIRE(dev.cs->ApplyPull({server}, 2).ok());
  CHECK(dev.Local(*id).fields().at("attended").value().integer() == 90);
  CHECK(dev.Local(*id).fields().at("invited").value().integer() == 130);

  // Ours acknowledged and pulled back: loc/ goes, one copy is left.
  ServerApply(server, edit, 3, clock.NowMs());
  REQUIRE(dev.cs->Acknowledge(1).ok());
  REQUIRE(dev.cs->ApplyPull({server}, 3).ok());
  CHECK(CountPrefix(*dev.db, ckeys::kLocalRecordPrefix) == 0);
  CHECK(Same(dev.Local(*id), server));
  CHECK(server.fields().at("attended").value().integer() == 90);
}

TEST_CASE("a pulled page's records are stored as the bytes they came in; records added to it are serialized",
          "[client][store-layout]") {
  ManualClock clock;
  Device dev(clock);
  sync::Frame frame;
  *frame.mutable_pull_batch()->add_records() = Pulled('a', "voter-meeting", 5, "một");
  *frame.mutable_pull_batch()->add_records() = Pulled('b', "complaint", 6, "hai");
  std::string payload = frame.SerializeAsString();
  sync::Frame parsed;
  REQUIRE(parsed.ParseFromString(payload));
  std::vector<std::string_view> received;
  REQUIRE(wire::PullBatchRecordBytes(payload, &received));
  REQUIRE(received.size() == 2);
  // Bytes the store could not have made itself: the record followed by an
  // unknown field, which a parse keeps and which stays in the stored value.
  std::string a_bytes = std::string(received[0]) + std::string("\xf8\x06\x01", 3);  // field 111, varint 1
  received[0] = a_bytes;
  // A record added after the received ones (an own echo completed) has none.
  *parsed.mutable_pull_batch()->add_records() = Pulled('c', "complaint", 7, "ba");
  google::protobuf::RepeatedPtrField<RecordState> completed;
  *completed.Add() = parsed.pull_batch().records(2);
  // A page with a received record that is not a record at all is refused
  // whole: nothing of it is written, the cursor stays.
  std::vector<std::string_view> broken = received;
  const std::string garbage("\x0a\x10short", 7);  // record_id announcing 16 bytes, holding 5
  broken.push_back(garbage);
  Status refused = dev.cs->ApplyPullPage(broken, completed, 7, true);
  CHECK(refused.code() == Status::Code::kInvalidArgument);
  CHECK_THAT(refused.message(), Catch::Contains("pulled record 3 of the page is not a well-formed record"));
  CHECK(dev.cs->State()->pull_cursor() == 0);
  CHECK(CountPrefix(*dev.db, ckeys::kServerRecordPrefix) == 0);

  REQUIRE(dev.cs->ApplyPullPage(received, completed, 7, true).ok());

  std::string stored;
  REQUIRE(dev.db->Get(ckeys::ServerRecord(parsed.pull_batch().records(0).record_id()), &stored).ok());
  CHECK(stored == a_bytes);
  REQUIRE(dev.db->Get(ckeys::ServerRecord(parsed.pull_batch().records(1).record_id()), &stored).ok());
  CHECK(stored == std::string(received[1]));
  REQUIRE(dev.db->Get(ckeys::ServerRecord(parsed.pull_batch().records(2).record_id()), &stored).ok());
  RecordState c;
  REQUIRE(c.ParseFromString(stored));
  CHECK(Same(c, parsed.pull_batch().records(2)));
  CHECK(AllLocal(*dev.cs).size() == 3);
}

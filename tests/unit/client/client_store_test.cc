// ClientStore on a real LevelDB: outbox batches and acknowledgements, pulls
// overlaid with pending changes, forms, and durability across reopen.
#include "client/store/client_keys.h"
#include "common/clock/hlc.h"
#include "tests/unit/client/client_fixture.h"

using namespace client_test;
using wardsync::changes::Change;
using wardsync::records::RecordState;
using wardsync::records::Stamp;

namespace {

const records::FieldState& Field(const RecordState& r, const std::string& name) {
  auto it = r.fields().find(name);
  REQUIRE(it != r.fields().end());
  return it->second;
}

}  // namespace

TEST_CASE("outbox batches respect count and size, the first always comes", "[client]") {
  ManualClock clock;
  Device dev(clock);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(dev.capture->New("voter-meeting", Meeting()).ok());
    clock.Advance(1000);
  }
  auto seqs = [&](uint64_t after, size_t count, size_t bytes) {
    auto batch = dev.cs->PendingBatch(after, count, bytes);
    REQUIRE(batch.ok());
    std::vector<uint64_t> out;
    for (const auto& e : *batch) out.push_back(Body(e.signed_()).seq());
    return out;
  };
  CHECK(seqs(0, 2, 1 << 20) == std::vector<uint64_t>{1, 2});
  CHECK(seqs(2, 10, 1 << 20) == std::vector<uint64_t>{3, 4, 5});
  CHECK(seqs(0, 10, 1) == std::vector<uint64_t>{1});
  CHECK(seqs(5, 10, 1 << 20).empty());
  CHECK(seqs(0, 0, 1 << 20).empty());
  CHECK(*dev.cs->PendingCount() == 5);

  // The hash the chain recorded for a batch's last change-set, whichever
  // limit ended the batch: its successor's prev_hash, or the state's
  // last_hash for the newest. It is the hash of the bytes saved.
  const auto outbox = dev.Outbox();
  auto recorded = [&](uint64_t after, size_t count, size_t bytes) {
    std::string hash;
    auto batch = dev.cs->PendingBatch(after, count, bytes, &hash);
    REQUIRE(batch.ok());
    REQUIRE_FALSE(batch->empty());
    CHECK(hash == changes_util::BodyHash(batch->back().signed_()));
    return Body(batch->back().signed_()).seq();
  };
  CHECK(recorded(0, 2, 1 << 20) == 2);  // ended by the count
  CHECK(recorded(0, 10, 1) == 1);       // by the bytes
  CHECK(recorded(2, 10, 1 << 20) == 5);  // the newest
  CHECK(dev.cs->State()->last_hash() == changes_util::BodyHash(outbox.back()));
}

TEST_CASE("acknowledge drops exactly what the server holds", "[client]") {
  ManualClock clock;
  Device dev(clock);
  const uint64_t t0 = clock.NowMs();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto id = dev.capture->New("voter-meeting", Meeting());
    REQUIRE(id.ok());
    ids.push_back(*id);
    clock.Advance(1000);
  }
  CHECK(*dev.cs->OldestPendingMs() == t0);
  REQUIRE(dev.cs->Acknowledge(3).ok());
  auto outbox = dev.Outbox();
  REQUIRE(outbox.size() == 2);
  CHECK(Body(outbox[0]).seq() == 4);
  CHECK(Body(outbox[1]).seq() == 5);
  CHECK(*dev.cs->PendingCount() == 2);
  CHECK(*dev.cs->OldestPendingMs() == t0 + 3000);
  CHECK(dev.cs->State()->acked_seq() == 3);
  CHECK(CountPrefix(*dev.db, client::keys::kPendingPrefix) == 2);
  CHECK(CountPrefix(*dev.db, client::keys::kLocalRecordPrefix) == 5);  // records stay

  const auto before = Dump(*dev.db);
  REQUIRE(dev.cs->Acknowledge(3).ok());  // again: nothing changes
  REQUIRE(dev.cs->Acknowledge(1).ok());  // older: nothing changes
  CHECK(Dump(*dev.db) == before);
  auto s = dev.cs->Acknowledge(6);
  CHECK(s.code() == Status::Code::kFailedPrecondition);
  CHECK(Dump(*dev.db) == before);

  REQUIRE(dev.cs->Acknowledge(5).ok());
  CHECK(dev.Outbox().empty());
  CHECK(*dev.cs->PendingCount() == 0);
  CHECK(*dev.cs->OldestPendingMs() == 0);
  CHECK(CountPrefix(*dev.db, client::keys::kPendingPrefix) == 0);
}

TEST_CASE("a pull keeps the officer's pending values visible", "[client]") {
  ManualClock clock;
  Device dev(clock);
  auto id = dev.capture->New("voter-meeting", Meeting("120", "95"));
  REQUIRE(id.ok());
  const auto create = dev.Outbox()[0];
  REQUIRE(dev.cs->Acknowledge(1).ok());

  // The server applied the create (log 7); the officer then edits offline.
  RecordState server;
  ServerApply(server, create, 7, clock.NowMs());
  clock.Advance(1000);
  REQUIRE(dev.capture->Edit(*id, {{"attended", "90"}}).ok());
  const auto edit = dev.Outbox()[0];

  // Meanwhile another officer set the notes (log 8), with a clock ahead of ours.
  const uint64_t far = HybridLogicalClock::Make(clock.NowMs() + 120'000, 3);
  {
    Change change;
    change.set_op(Change::UPDATE);
    change.set_record_id(server.record_id());
    change.set_form_id("voter-meeting");
    change.set_form_version(1);
    change.set_ward(kWard);
    auto* fs = change.add_sets();
    fs->set_field("notes");
    fs->mutable_value()->set_text("ghi chú từ máy khác");
    Stamp stamp;
    stamp.mutable_change()->set_device_id("other-device");
    stamp.mutable_change()->set_seq(4);
    stamp.set_hlc(far);
    stamp.set_officer("Lê Văn Cường");
    stamp.set_received_ms(clock.NowMs());
    REQUIRE(reconcile::Apply(server, change, stamp, 8, {}).ok());
  }
  REQUIRE(dev.cs->ApplyPull({server}, 8).ok());

  auto srv = dev.cs->ServerRecord(server.record_id());
  REQUIRE(srv.ok());
  REQUIRE(srv->has_value());
  CHECK(Same(**srv, server));
  auto loc = dev.Local(*id);
  CHECK(Field(loc, "attended").value().integer() == 90);  // pending, still shown
  CHECK(Field(loc, "attended").stamp().change().seq() == 2);
  CHECK(Field(loc, "notes").value().text() == "ghi chú từ máy khác");
  CHECK(Field(loc, "invited").value().integer() == 120);
  CHECK(loc.log_seq() == 8);
  CHECK(loc.conflicts_size() == 0);
  auto state = dev.cs->State();
  CHECK(state->pull_cursor() == 8);
  CHECK(state->hlc() >= far);  // absorbed: later local edits are causally later

  // The cursor never moves back.
  const auto before = Dump(*dev.db);
  CHECK(dev.cs->ApplyPull({}, 5).code() == Status::Code::kFailedPrecondition);
  CHECK(Dump(*dev.db) == before);

  // An older server view of the record does not replace the newer one.
  RecordState older;
  ServerApply(older, create, 7, clock.NowMs());
  REQUIRE(dev.cs->ApplyPull({older}, 9).ok());
  CHECK((*dev.cs->ServerRecord(server.record_id()))->log_seq() == 8);
  CHECK(dev.cs->State()->pull_cursor() == 9);

  REQUIRE(dev.capture->Edit(*id, {{"agree", "50"}}).ok());
  CHECK(Body(dev.Outbox().back()).hlc() > far);

  // The server applied the first edit, its ack is still in flight: the pull
  // shows it and the pending copy is not applied a second time.
  ServerApply(server, edit, 10, clock.NowMs());
  REQUIRE(dev.cs->ApplyPull({server}, 10).ok());
  loc = dev.Local(*id);
  CHECK(loc.conflicts_size() == 0);
  CHECK(Field(loc, "attended").value().integer() == 90);
  CHECK(Field(loc, "attended").stamp().received_ms() == clock.NowMs());  // the server's copy
  CHECK(Field(loc, "agree").value().integer() == 50);                   // still pending

  // Everything acknowledged and pulled: the local view is the server's.
  ServerApply(server, dev.Outbox().back(), 11, clock.NowMs());
  REQUIRE(dev.cs->Acknowledge(3).ok());
  REQUIRE(dev.cs->ApplyPull({server}, 11).ok());
  CHECK(Same(dev.Local(*id), server));
}

TEST_CASE("forms: versions are kept, a changed definition is refused", "[client]") {
  ManualClock clock;
  Device dev(clock);
  auto id = dev.capture->New("voter-meeting", Meeting());
  REQUIRE(id.ok());
  CHECK(dev.Local(*id).form_version() == 2);  // the pack's latest

  forms::FormDef v2;
  for (const auto& f : ElectionPack().forms) {
    if (f.id() == "voter-meeting" && f.version() == 2) v2 = f;
  }
  REQUIRE(v2.version() == 2);
  forms::FormDef changed = v2;
  changed.set_title("khác");
  const auto before = Dump(*dev.db);
  CHECK(dev.cs->ReplaceForms({changed}, ElectionPack().wards, 2).code() == Status::Code::kAlreadyExists);
  CHECK(Dump(*dev.db) == before);

  forms::FormDef v3 = v2;
  v3.set_version(3);
  auto* extra = v3.add_fields();
  extra->set_name("venue");
  extra->set_type(forms::FieldDef::TEXT);
  extra->set_label("Địa điểm");
  REQUIRE(dev.cs->ReplaceForms({v3}, ElectionPack().wards, 2).ok());  // v1, v2 are not in the list: still kept
  CHECK(dev.cs->State()->forms_epoch() == 2);
  auto forms = dev.cs->Forms();
  REQUIRE(forms.ok());
  CHECK(forms->Find("voter-meeting", 1) != nullptr);
  CHECK(forms->Find("voter-meeting", 2) != nullptr);
  CHECK(forms->Latest("voter-meeting")->version() == 3);
  CHECK(forms->Find("complaint", 1) != nullptr);

  auto sets = Meeting();
  sets.emplace_back("venue", "Nhà văn hoá");
  auto id3 = dev.capture->New("voter-meeting", sets);
  REQUIRE(id3.ok());
  CHECK(dev.Local(*id3).form_version() == 3);
  REQUIRE(dev.capture->Edit(*id, {{"notes", "v2 record"}}).ok());
  CHECK(Body(dev.Outbox().back()).changes(0).form_version() == 2);  // the record's own version
  CHECK(!dev.capture->Edit(*id, {{"venue", "x"}}).ok());            // not a field of version 2
}

TEST_CASE("the device identity of a store with change-sets is fixed", "[client]") {
  ManualClock clock;
  Device dev(clock);
  auto config = *dev.cs->Config();
  config.set_officer("Phạm Thị Dung");
  REQUIRE(dev.cs->SaveConfig(config).ok());  // same device: fine
  REQUIRE(dev.capture->New("voter-meeting", Meeting()).ok());
  CHECK(Body(dev.Outbox()[0]).officer() == "Phạm Thị Dung");
  config.set_device_id("0011223344556677");
  CHECK(dev.cs->SaveConfig(config).code() == Status::Code::kFailedPrecondition);
  CHECK(dev.cs->Config()->device_id() == dev.id);
}

TEST_CASE("sync bookkeeping", "[client]") {
  ManualClock clock;
  Device dev(clock);
  REQUIRE(dev.cs->NoteSyncResult(false, "server unreachable", 100).ok());
  auto s = dev.cs->State();
  CHECK(s->last_attempt_ms() == 100);
  CHECK(s->last_error() == "server unreachable");
  CHECK(s->last_error_ms() == 100);
  CHECK(s->last_success_ms() == 0);
  REQUIRE(dev.cs->NoteSyncResult(true, "", 200).ok());
  s = dev.cs->State();
  CHECK(s->last_attempt_ms() == 200);
  CHECK(s->last_success_ms() == 200);
  CHECK(s->last_error_ms() == 100);
}

TEST_CASE("everything survives closing and reopening the store", "[client]") {
  ManualClock clock;
  Device dev(clock);
  auto a = dev.capture->New("voter-meeting", Meeting());
  auto b = dev.capture->New("turnout-report", {});  // refused: required fields
  CHECK(!b.ok());
  REQUIRE(a.ok());
  REQUIRE(dev.capture->Edit(*a, {{"notes", "trước khi tắt máy"}}).ok());
  REQUIRE(dev.cs->Acknowledge(1).ok());
  REQUIRE(dev.cs->NoteSyncResult(true, "", clock.NowMs()).ok());
  const auto before = Dump(*dev.db);
  const auto state = *dev.cs->State();

  dev.Close();
  dev.Open();
  CHECK(Dump(*dev.db) == before);
  CHECK(dev.cs->State()->SerializeAsString() == state.SerializeAsString());
  CHECK(dev.cs->Config()->device_id() == dev.id);
  CHECK(*dev.cs->PendingCount() == 1);
  CHECK(dev.Local(*a).fields().at("notes").value().text() == "trước khi tắt máy");

  // The chain goes on where it stopped.
  REQUIRE(dev.capture->Delete(*a).ok());
  auto outbox = dev.Outbox();
  REQUIRE(outbox.size() == 2);
  CHECK(Body(outbox[1]).seq() == 3);
  CHECK(Body(outbox[1]).prev_hash() == changes_util::BodyHash(outbox[0]));
}

// What capture produces passes the server's ingest checks (chain, signature,
// authority, form validation, reconciliation), and what the server holds
// comes back through ApplyPull as the officer's view.
#include "client/store/client_keys.h"
#include "common/reconcile/merge.h"
#include "common/store/proto_io.h"
#include "server/ingest/group_committer.h"
#include "server/server_context.h"
#include "server/store/server_keys.h"
#include "tests/unit/client/client_fixture.h"

using namespace client_test;
using wardsync::records::RecordState;

namespace {

// A server store with the election pack published, ingesting in-process.
struct TestServer {
  explicit TestServer(ManualClock& clock) {
    auto opened = LevelDbStore::Open(dir.path() + "/db");
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    WriteBatch batch;
    for (const auto& f : ElectionPack().forms) PutProto(batch, server::keys::Form(f.id(), f.version()), f);
    PutProto(batch, std::string(server::keys::kWards), ElectionPack().wards);
    for (const auto& l : ElectionPack().choice_lists) PutProto(batch, server::keys::ChoiceList(l.id(), l.version()), l);
    std::string epoch;
    wardsync::keys::AppendU64(&epoch, 1);
    batch.Put(std::string(server::keys::kFormsEpoch), epoch);
    REQUIRE(db->Write(batch, true).ok());
    ctx.reset(new server::ServerContext{*db, clock, NewKey(), {}, {}});
    REQUIRE(server::LoadForms(*ctx).ok());
    ingestor = std::make_unique<server::Ingestor>(*ctx);
    REQUIRE(ingestor->LoadHead().ok());
  }

  void Enroll(const Device& d, const std::string& role, const std::string& ward = kWard) {
    store::Device row;
    row.set_id(d.id);
    row.set_ward(ward);
    row.set_role(role);
    auto* k = row.add_keys();
    k->set_public_key(d.key.PublicKeyRaw());
    k->set_epoch(0);
    k->set_from_seq(1);
    WriteBatch batch;
    PutProto(batch, server::keys::Device(d.id), row);
    REQUIRE(db->Write(batch, true).ok());
  }

  // Pushes the device's whole outbox (signed as a push signs); on success the device stores the ack.
  server::SubmissionResult Push(Device& d) {
    server::Submission sub;
    sub.device_id = d.id;
    sub.change_sets = d.SignedOutbox();
    auto result = ingestor->CommitOne(sub);
    INFO(result.message);
    if (result.ok()) REQUIRE(d.cs->Acknowledge(result.acked_seq).ok());
    return result;
  }

  // Gives the device every record the server holds (a full pull).
  void Pull(Device& d) {
    std::vector<RecordState> records;
    for (auto it = db->Scan(server::keys::kRecordPrefix); it->Valid(); it->Next()) {
      RecordState r;
      REQUIRE(r.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
      records.push_back(std::move(r));
    }
    REQUIRE(d.cs->ApplyPull(records, ingestor->log_head()).ok());
  }

  RecordState Record(const std::string& hex) {
    std::string raw;
    REQUIRE(changes_util::ParseRecordId(hex, &raw));
    RecordState r;
    REQUIRE(GetProto(*db, server::keys::Record(raw), &r).ok());
    return r;
  }

  TempDir dir;
  std::unique_ptr<LevelDbStore> db;
  std::unique_ptr<server::ServerContext> ctx;
  std::unique_ptr<server::Ingestor> ingestor;
};

}  // namespace

TEST_CASE("the server accepts what capture produced", "[client]") {
  ManualClock clock;
  TestServer server(clock);
  Device officer(clock);
  server.Enroll(officer, "officer");

  auto a = officer.capture->New("voter-meeting", Meeting());
  REQUIRE(a.ok());
  REQUIRE(officer.capture->Edit(*a, {{"invited", "150"}, {"agree", "60"}, {"disagree", "10"}}).ok());
  REQUIRE(officer.capture->Edit(*a, {{"disagree", ""}}).ok());
  auto b = officer.capture->New("security-incident", {});
  CHECK(!b.ok());  // required fields missing: refused locally, never sent
  auto c = officer.capture->New("voter-meeting", Meeting("10", "10"));
  REQUIRE(c.ok());
  REQUIRE(officer.capture->Delete(*c).ok());

  auto pushed = server.Push(officer);
  REQUIRE(pushed.ok());
  CHECK(pushed.accepted == 5);
  CHECK(pushed.acked_seq == 5);
  CHECK(*officer.cs->PendingCount() == 0);

  server.Pull(officer);
  auto loc = officer.Local(*a);
  CHECK(Same(loc, server.Record(*a)));
  CHECK(loc.fields().at("invited").value().integer() == 150);
  CHECK(!loc.fields().at("disagree").has_value());
  CHECK(officer.Local(*c).deleted());

  // More offline work after the pull goes on the same chain.
  clock.Advance(60'000);
  REQUIRE(officer.capture->Edit(*a, {{"notes", "sau khi đồng bộ"}}).ok());
  pushed = server.Push(officer);
  REQUIRE(pushed.ok());
  CHECK(pushed.acked_seq == 6);
}

TEST_CASE("a resend of acknowledged change-sets is a duplicate", "[client]") {
  ManualClock clock;
  TestServer server(clock);
  Device officer(clock);
  server.Enroll(officer, "officer");
  REQUIRE(officer.capture->New("voter-meeting", Meeting()).ok());
  server::Submission sub;
  sub.device_id = officer.id;
  sub.change_sets = officer.SignedOutbox();
  auto first = server.ingestor->CommitOne(sub);
  REQUIRE(first.ok());
  auto second = server.ingestor->CommitOne(sub);  // the device never saw the first ack
  REQUIRE(second.ok());
  CHECK(second.duplicates == 1);
  CHECK(second.accepted == 0);
  CHECK(second.acked_seq == 1);
}

TEST_CASE("concurrent edits conflict on the server; a reviewer's resolution is accepted", "[client]") {
  ManualClock clock;
  TestServer server(clock);
  Device alice(clock, "officer", kWard, "Alice");
  Device bob(clock, "officer", kWard, "Bob");
  Device reviewer(clock, "reviewer", kWard, "Reviewer");
  server.Enroll(alice, "officer");
  server.Enroll(bob, "officer");
  server.Enroll(reviewer, "reviewer");

  auto id = alice.capture->New("voter-meeting", Meeting("120", "95"));
  REQUIRE(id.ok());
  auto del = alice.capture->New("voter-meeting", Meeting("10", "5"));
  REQUIRE(del.ok());
  REQUIRE(server.Push(alice).ok());
  server.Pull(bob);

  // Both edit "invited" without seeing each other; Alice deletes a record Bob edits.
  clock.Advance(1000);
  REQUIRE(alice.capture->Edit(*id, {{"invited", "130"}}).ok());
  REQUIRE(alice.capture->Delete(*del).ok());
  clock.Advance(1000);
  REQUIRE(bob.capture->Edit(*id, {{"invited", "140"}}).ok());
  REQUIRE(bob.capture->Edit(*del, {{"notes", "còn dùng"}}).ok());
  REQUIRE(server.Push(alice).ok());
  REQUIRE(server.Push(bob).ok());

  const std::string field_conflict = *id + ":invited";
  const std::string record_conflict = *del + ":";
  REQUIRE(reconcile::FindOpenConflict(server.Record(*id), "invited") != nullptr);
  REQUIRE(reconcile::FindOpenConflict(server.Record(*del), "") != nullptr);

  // Bob's pull shows the conflict; his own view holds nothing pending.
  server.Pull(bob);
  CHECK(reconcile::FindOpenConflict(bob.Local(*id), "invited") != nullptr);

  server.Pull(reviewer);
  auto shown = reviewer.Local(*id);
  const auto* conflict = reconcile::FindOpenConflict(shown, "invited");
  REQUIRE(conflict != nullptr);
  REQUIRE(conflict->id() == field_conflict);
  REQUIRE(conflict->candidates_size() == 2);

  // Bad resolutions are refused and write nothing.
  const auto before = Dump(*reviewer.db);
  CHECK(!reviewer.capture->Resolve(field_conflict, 3, std::nullopt, "x").ok());
  CHECK(!reviewer.capture->Resolve(field_conflict, std::nullopt, std::string("abc"), "x").ok());
  CHECK(!reviewer.capture->Resolve(field_conflict, std::nullopt, std::string("50"), "x").ok());  // attended 95 > 50
  CHECK(!reviewer.capture->Resolve(field_conflict, 1, std::string("130"), "x").ok());
  CHECK(!reviewer.capture->Resolve(*id + ":notes", 1, std::nullopt, "x").ok());
  CHECK(!reviewer.capture->Resolve("nonsense", 1, std::nullopt, "x").ok());
  CHECK(!reviewer.capture->Resolve(record_conflict, std::nullopt, std::string("maybe"), "x").ok());
  CHECK(!reviewer.capture->Edit(*id, {{"invited", "1"}}).ok());  // reviewers do not edit
  CHECK(Dump(*reviewer.db) == before);

  // Pick the weaker candidate (the first listed) for the field, keep the record.
  const int64_t picked = conflict->candidates(0).value().integer();
  REQUIRE(reviewer.capture->Resolve(field_conflict, 1, std::nullopt, "theo biên bản giấy").ok());
  REQUIRE(reviewer.capture->Resolve(record_conflict, std::nullopt, std::string("keep"), "vẫn cần").ok());
  auto local = reviewer.Local(*id);
  CHECK(local.fields().at("invited").value().integer() == picked);
  CHECK(reconcile::FindOpenConflict(local, "invited") == nullptr);
  CHECK(!reviewer.Local(*del).deleted());

  auto pushed = server.Push(reviewer);
  INFO(pushed.message);
  REQUIRE(pushed.ok());
  CHECK(pushed.accepted == 2);
  auto after = server.Record(*id);
  CHECK(after.fields().at("invited").value().integer() == picked);
  CHECK(reconcile::FindOpenConflict(after, "invited") == nullptr);
  CHECK(!server.Record(*del).deleted());

  // Everyone's view converges on the server's.
  server.Pull(alice);
  server.Pull(reviewer);
  CHECK(Same(alice.Local(*id), after));
  CHECK(Same(reviewer.Local(*id), after));
}

TEST_CASE("a pending resolution of a conflict closed elsewhere does not block the pull", "[client]") {
  ManualClock clock;
  TestServer server(clock);
  Device alice(clock, "officer", kWard, "Alice");
  Device bob(clock, "officer", kWard, "Bob");
  Device r1(clock, "reviewer", kWard, "R1");
  Device r2(clock, "reviewer", kWard, "R2");
  server.Enroll(alice, "officer");
  server.Enroll(bob, "officer");
  server.Enroll(r1, "reviewer");
  server.Enroll(r2, "reviewer");

  auto id = alice.capture->New("voter-meeting", Meeting());
  REQUIRE(id.ok());
  REQUIRE(server.Push(alice).ok());
  server.Pull(bob);
  REQUIRE(alice.capture->Edit(*id, {{"notes", "A"}}).ok());
  REQUIRE(bob.capture->Edit(*id, {{"notes", "B"}}).ok());
  REQUIRE(server.Push(alice).ok());
  REQUIRE(server.Push(bob).ok());
  server.Pull(r1);
  server.Pull(r2);
  const std::string cid = *id + ":notes";
  REQUIRE(r2.capture->Resolve(cid, std::nullopt, std::string("C"), "r2").ok());
  REQUIRE(server.Push(r2).ok());
  REQUIRE(r1.capture->Resolve(cid, std::nullopt, std::string("D"), "r1").ok());  // offline, too late

  server.Pull(r1);  // the conflict is closed on the server: r1's resolution no longer applies
  auto loc = r1.Local(*id);
  CHECK(loc.fields().at("notes").value().text() == "C");
  CHECK(*r1.cs->PendingCount() == 1);  // kept: never thrown away unacknowledged
}

TEST_CASE("content checked on an io thread counts only against the forms it was checked with", "[client][ingest]") {
  ManualClock clock;
  TestServer server(clock);
  Device officer(clock);
  server.Enroll(officer, "officer");
  auto a = officer.capture->New("voter-meeting", Meeting());
  REQUIRE(a.ok());
  auto b = officer.capture->New("voter-meeting", Meeting());
  REQUIRE(b.ok());
  auto outbox = officer.SignedOutbox();
  REQUIRE(outbox.size() == 2);

  // Checked against forms published before voter-meeting existed ("unknown
  // form"), then the forms changed: ingest checks again and applies it.
  server::Submission first;
  first.device_id = officer.id;
  first.change_sets = {outbox[0]};
  server::Prepare(first, std::make_shared<const server::FormsSnapshot::Data>());
  REQUIRE(first.prepared.size() == 1);
  REQUIRE(first.prepared[0].content.size() == 1);
  CHECK_THAT(*first.prepared[0].content[0], Catch::Contains("unknown form voter-meeting"));
  auto applied = server.ingestor->CommitOne(first);
  REQUIRE(applied.ok());
  CHECK(applied.changes == 1);
  CHECK(applied.rejected == 0);

  // Checked against the forms ingest holds: that answer is the one used
  // (here one made up for the test, so its use shows).
  server::Submission second;
  second.device_id = officer.id;
  second.change_sets = {outbox[1]};
  server::Prepare(second, server.ctx->forms.Get());
  REQUIRE(second.prepared.size() == 1);
  CHECK(second.prepared[0].content[0] == std::optional<std::string>(""));  // valid
  second.prepared[0].content[0] = "checked on the io thread: refused";
  auto kept = server.ingestor->CommitOne(second);
  REQUIRE(kept.ok());
  CHECK(kept.rejected == 1);
  bool named = false;
  const RecordState stored = server.Record(*b);
  for (const auto& c : stored.conflicts()) named = named || c.problem().find("checked on the io thread") != std::string::npos;
  CHECK(named);
}

// A group's records live on an arena that a long run of edits to one record
// fills with replaced versions; past limits.group_arena_compact_bytes the
// live records move to a fresh arena. Whether that happens before every
// change-set or never, the stored records are the same.
TEST_CASE("a group compacting its record arena stores the same records", "[client][ingest]") {
  auto run = [](size_t compact_bytes) {
    ManualClock clock;
    TestServer server(clock);
    server.ctx->limits.group_arena_compact_bytes = compact_bytes;
    Device officer(clock);
    server.Enroll(officer, "officer");
    std::vector<std::string> ids;
    for (int r = 0; r < 3; ++r) {
      auto id = officer.capture->New("voter-meeting", Meeting());
      REQUIRE(id.ok());
      ids.push_back(*id);
    }
    for (int i = 0; i < 40; ++i) {
      clock.Advance(1000);
      const std::string& id = ids[static_cast<size_t>(i) % ids.size()];
      REQUIRE(officer.capture->Edit(id, {{"invited", std::to_string(200 + i)}, {"notes", "lần " + std::to_string(i)}})
                  .ok());
    }
    auto pushed = server.Push(officer);  // one submission: one group
    REQUIRE(pushed.ok());
    CHECK(pushed.accepted == 43);
    std::vector<RecordState> out;
    for (const auto& id : ids) out.push_back(server.Record(id));
    return out;
  };
  const auto compacted = run(1);  // before every change-set
  const auto kept = run(size_t{1} << 30);
  REQUIRE(compacted.size() == kept.size());
  for (size_t i = 0; i < kept.size(); ++i) {
    CHECK(compacted[i].fields().at("invited").value().integer() == kept[i].fields().at("invited").value().integer());
    CHECK(compacted[i].fields().at("notes").value().text() == kept[i].fields().at("notes").value().text());
    CHECK(compacted[i].fields().size() == kept[i].fields().size());
    CHECK(compacted[i].log_seq() == kept[i].log_seq());
  }
  // The last edit of the first record was edit 39 (39 % 3 == 0).
  CHECK(kept[0].fields().at("invited").value().integer() == 239);
}

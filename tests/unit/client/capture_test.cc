// Capture on a real LevelDB with the election pack: what an officer's action
// writes, the signed hash chain, and that refused input writes nothing.
#include <atomic>
#include <thread>

#include "client/store/client_keys.h"
#include "common/clock/hlc.h"
#include "tests/unit/client/client_fixture.h"

using namespace client_test;
using wardsync::changes::Change;

namespace {

const wardsync::records::FieldState& Field(const wardsync::records::RecordState& r, const std::string& name) {
  auto it = r.fields().find(name);
  REQUIRE(it != r.fields().end());
  return it->second;
}

}  // namespace

TEST_CASE("new record: one outbox entry, the local record, a body saved unsigned", "[client]") {
  ManualClock clock;
  Device dev(clock);
  auto id = dev.capture->New("voter-meeting", Meeting());
  REQUIRE(id.ok());
  CHECK(id->size() == 32);

  auto outbox = dev.Outbox();
  REQUIRE(outbox.size() == 1);
  CHECK(*dev.cs->PendingCount() == 1);
  CHECK(*dev.cs->OldestPendingMs() == clock.NowMs());
  // Saved unsigned: the push signs it if it ends a run (SignRunHeads).
  CHECK(outbox[0].signature().empty());

  auto body = Body(outbox[0]);
  CHECK(body.format() == 1);
  CHECK(body.device_id() == dev.id);
  CHECK(body.seq() == 1);
  CHECK(body.prev_hash().empty());
  CHECK(body.officer() == "Nguyễn Văn An");
  CHECK(body.key_epoch() == 0);
  CHECK(HybridLogicalClock::PhysicalMs(body.hlc()) == clock.NowMs());
  REQUIRE(body.changes_size() == 1);
  const Change& c = body.changes(0);
  CHECK(c.op() == Change::CREATE);
  CHECK(c.form_id() == "voter-meeting");
  CHECK(c.form_version() == 2);  // the latest version of the form
  CHECK(c.ward() == kWard);
  CHECK(changes_util::RecordIdText(c.record_id()) == *id);
  CHECK(c.sets_size() == 5);

  auto r = dev.Local(*id);
  CHECK(r.form_id() == "voter-meeting");
  CHECK(r.ward() == kWard);
  CHECK(!r.deleted());
  CHECK(Field(r, "invited").value().integer() == 120);
  CHECK(Field(r, "attended").value().integer() == 95);
  CHECK(Field(r, "meeting_date").value().date() == "2026-02-10");
  CHECK(Field(r, "invited").stamp().change().device_id() == dev.id);
  CHECK(Field(r, "invited").stamp().change().seq() == 1);
  CHECK(Field(r, "invited").stamp().received_ms() == 0);
  CHECK(r.created().change().seq() == 1);

  auto state = dev.cs->State();
  CHECK(state->last_seq() == 1);
  CHECK(state->last_hash() == changes_util::BodyHash(outbox[0]));
  CHECK(state->hlc() == body.hlc());
  // The record is indexed as touched by pending change-set 1.
  std::string raw;
  REQUIRE(changes_util::ParseRecordId(*id, &raw));
  std::string v;
  CHECK(dev.db->Get(client::keys::Pending(raw, 1), &v).ok());

  int listed = 0;
  REQUIRE(dev.cs->ForEachLocal(std::string("voter-meeting"), [&](const auto&) { ++listed; }).ok());
  CHECK(listed == 1);
  REQUIRE(dev.cs->ForEachLocal(std::string("complaint"), [&](const auto&) { ++listed; }).ok());
  CHECK(listed == 1);
}

TEST_CASE("change-sets form a hash chain with growing stamps", "[client]") {
  ManualClock clock;
  Device dev(clock);
  auto id = dev.capture->New("voter-meeting", Meeting());
  REQUIRE(id.ok());
  clock.Set(clock.NowMs() - 60'000);  // the wall clock steps back: stamps still grow
  REQUIRE(dev.capture->Edit(*id, {{"notes", "Cử tri đồng tình"}}).ok());
  REQUIRE(dev.capture->Delete(*id).ok());

  auto outbox = dev.Outbox();
  REQUIRE(outbox.size() == 3);
  std::string prev;
  uint64_t prev_hlc = 0;
  for (size_t i = 0; i < outbox.size(); ++i) {
    auto body = Body(outbox[i]);
    CHECK(body.seq() == i + 1);
    CHECK(body.prev_hash() == prev);
    CHECK(body.hlc() > prev_hlc);
    CHECK(outbox[i].signature().empty());
    prev = changes_util::BodyHash(outbox[i]);
    prev_hlc = body.hlc();
  }
  CHECK(dev.cs->State()->last_hash() == prev);
  CHECK(Body(outbox[1]).changes(0).op() == Change::UPDATE);
  auto del = Body(outbox[2]).changes(0);
  CHECK(del.op() == Change::DELETE);
  CHECK(del.base().device_id() == dev.id);
  CHECK(del.base().seq() == 2);  // the record version the officer saw
  CHECK(dev.Local(*id).deleted());
}

TEST_CASE("refused input writes nothing and says why", "[client]") {
  ManualClock clock;
  Device dev(clock);
  auto id = dev.capture->New("voter-meeting", Meeting());
  REQUIRE(id.ok());
  const auto before = Dump(*dev.db);

  auto refused_new = [&](const std::string& form, const client::FieldTexts& sets) {
    auto r = dev.capture->New(form, sets);
    REQUIRE(!r.ok());
    CHECK(Dump(*dev.db) == before);
    return r.status().message();
  };
  auto refused = [&](const Status& s) {
    REQUIRE(!s.ok());
    CHECK(Dump(*dev.db) == before);
    return s.message();
  };

  CHECK(refused_new("nope", Meeting()) ==
        "unknown form \"nope\"; known forms: candidate, complaint, consultation-conference, polling-station-readiness, "
        "security-incident, tally-minutes, turnout-report, voter-meeting");
  auto with = [](client::FieldTexts sets, std::string name, std::string value) {
    sets.emplace_back(std::move(name), std::move(value));
    return sets;
  };
  std::string m = refused_new("voter-meeting", with(Meeting(), "invted", "5"));
  CHECK(m.find("voter-meeting: unknown field \"invted\"") == 0);
  CHECK(m.find("invited") != std::string::npos);
  CHECK(refused_new("voter-meeting", Meeting("abc")) == "voter-meeting: field \"invited\": \"abc\" is not an integer");
  CHECK(refused_new("voter-meeting", Meeting("-1", "0")).find("below the minimum 0") != std::string::npos);
  CHECK(refused_new("voter-meeting", {{"candidate", "qh-dv1-le-minh-tuan"}, {"place", "noi-cong-tac"}, {"invited", "5"}}) ==
        "voter-meeting: field \"meeting_date\" is required");
  // Version 2 picks the candidate from the published list: a typed name is
  // refused, with the values to pick from (the first 20 of the 23).
  m = refused_new("voter-meeting", {{"candidate", "Trần Thị Lan"}, {"place", "noi-cu-tru"}, {"meeting_date", "2026-02-10"},
                                     {"invited", "5"}, {"attended", "5"}});
  CHECK(m.find("voter-meeting: field \"candidate\": \"Trần Thị Lan\" is not one of: qh-dv1-nguyen-van-hung, "
               "qh-dv1-tran-thi-lan,") == 0);
  CHECK(m.find(" and 3 more (wardsync forms show)") != std::string::npos);
  CHECK(refused_new("voter-meeting", Meeting("10", "")) == "voter-meeting: field \"attended\" is required");
  m = refused_new("voter-meeting", Meeting("50", "60"));
  CHECK(m.find("voter-meeting: rule \"attended <= invited\" fails") == 0);
  CHECK(refused_new("voter-meeting", with(Meeting(), "meeting_date", "2026-02-11")).find("set twice") !=
        std::string::npos);
  CHECK(refused_new("voter-meeting", {{"candidate", "qh-dv1-le-minh-tuan"}, {"meeting_date", "2026-02-30"}, {"invited", "1"},
                                      {"attended", "1"}})
            .find("is not a real date") != std::string::npos);

  CHECK(refused(dev.capture->Edit("xyz", {{"notes", "a"}})) == "\"xyz\" is not a record id (32 hex digits)");
  const std::string unknown(32, 'a');
  CHECK(refused(dev.capture->Edit(unknown, {{"notes", "a"}})) == "no record " + unknown);
  CHECK(refused(dev.capture->Delete(unknown)) == "no record " + unknown);
  CHECK(refused(dev.capture->Edit(*id, {{"attended", "500"}})).find("rule \"attended <= invited\" fails") !=
        std::string::npos);
  CHECK(refused(dev.capture->Edit(*id, {{"invited", ""}})) ==
        "voter-meeting: field \"invited\" is required and cannot be cleared");
  CHECK(refused(dev.capture->Edit(*id, {})).find("nothing to change") == 0);
  CHECK(refused(dev.capture->Edit(*id, {{"bogus", "1"}})).find("unknown field \"bogus\"") != std::string::npos);
  CHECK(refused(dev.capture->Resolve(*id + ":invited", 1, std::nullopt, "x")).find("only reviewers") !=
        std::string::npos);

  REQUIRE(dev.capture->Delete(*id).ok());
  const auto after_delete = Dump(*dev.db);
  auto s = dev.capture->Edit(*id, {{"notes", "a"}});
  CHECK(s.message() == "record " + *id + " is deleted");
  CHECK(dev.capture->Delete(*id).message() == "record " + *id + " is deleted");
  CHECK(Dump(*dev.db) == after_delete);
}

TEST_CASE("edits name the version each field had locally", "[client]") {
  ManualClock clock;
  Device dev(clock);
  auto id = dev.capture->New("voter-meeting", Meeting());
  REQUIRE(id.ok());
  REQUIRE(dev.capture->Edit(*id, {{"invited", "130"}, {"notes", "lần 1"}}).ok());
  REQUIRE(dev.capture->Edit(*id, {{"invited", "140"}, {"agree", "90"}}).ok());
  REQUIRE(dev.capture->Edit(*id, {{"notes", ""}}).ok());  // clears an optional field

  auto outbox = dev.Outbox();
  REQUIRE(outbox.size() == 4);
  auto base_of = [&](size_t cs, const std::string& field) {
    const auto body = Body(outbox[cs]);
    for (const auto& s : body.changes(0).sets()) {
      if (s.field() == field) return s;
    }
    FAIL("field not set");
    return wardsync::changes::FieldSet();
  };
  CHECK(base_of(1, "invited").base().seq() == 1);
  CHECK(base_of(1, "invited").base().device_id() == dev.id);
  CHECK(!base_of(1, "notes").has_base());  // never set before
  CHECK(base_of(2, "invited").base().seq() == 2);
  CHECK(!base_of(2, "agree").has_base());
  CHECK(base_of(3, "notes").base().seq() == 2);
  CHECK(!base_of(3, "notes").has_value());

  auto r = dev.Local(*id);
  CHECK(Field(r, "invited").value().integer() == 140);
  CHECK(Field(r, "agree").value().integer() == 90);
  CHECK(!Field(r, "notes").has_value());
  CHECK(Field(r, "notes").stamp().change().seq() == 4);
  CHECK(r.last_change().change().seq() == 4);
  CHECK(r.conflicts_size() == 0);
}

TEST_CASE("roles: reviewers do not write records, officers stay in their ward", "[client]") {
  ManualClock clock;
  Device reviewer(clock, "reviewer");
  auto before = Dump(*reviewer.db);
  auto r = reviewer.capture->New("voter-meeting", Meeting());
  REQUIRE(!r.ok());
  CHECK(r.status().code() == Status::Code::kPermissionDenied);
  CHECK(Dump(*reviewer.db) == before);

  Device stranger(clock, "officer", "phuong-khong-co");
  r = stranger.capture->New("voter-meeting", Meeting());
  REQUIRE(!r.ok());
  CHECK(r.status().message().find("not in the ward list") != std::string::npos);
}

TEST_CASE("a new ward list from the server applies to the very next capture", "[client]") {
  // Captures keep the parsed ward list (ClientStore::CachedWards); a list
  // the server replaces must not be answered from the old copy.
  ManualClock clock;
  Device dev(clock);
  REQUIRE(dev.capture->New("voter-meeting", Meeting()).ok());
  forms::WardList without_mine;
  for (const auto& w : ElectionPack().wards.wards()) {
    if (w.id() != kWard) *without_mine.add_wards() = w;
  }
  REQUIRE(without_mine.wards_size() + 1 == ElectionPack().wards.wards_size());
  REQUIRE(dev.cs->ReplaceForms(ElectionPack().forms, without_mine, 2, ElectionPack().choice_lists).ok());
  auto refused = dev.capture->New("voter-meeting", Meeting());
  REQUIRE(!refused.ok());
  CHECK(refused.status().message().find("not in the ward list") != std::string::npos);
  REQUIRE(dev.cs->ReplaceForms(ElectionPack().forms, ElectionPack().wards, 3, ElectionPack().choice_lists).ok());
  CHECK(dev.capture->New("voter-meeting", Meeting()).ok());
}

TEST_CASE("concurrent captures on one store keep one gap-free chain", "[client]") {
  ManualClock clock;
  Device dev(clock);
  constexpr int kPerThread = 15;
  std::atomic<int> failed{0};
  auto work = [&] {  // no Catch assertions off the main thread
    for (int i = 0; i < kPerThread; ++i) {
      if (!dev.capture->New("voter-meeting", Meeting()).ok()) ++failed;
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  REQUIRE(failed == 0);
  auto outbox = dev.Outbox();
  REQUIRE(outbox.size() == 2 * kPerThread);
  std::string prev;
  for (size_t i = 0; i < outbox.size(); ++i) {
    auto body = Body(outbox[i]);
    CHECK(body.seq() == i + 1);
    CHECK(body.prev_hash() == prev);
    prev = changes_util::BodyHash(outbox[i]);
  }
  int listed = 0;
  REQUIRE(dev.cs->ForEachLocal(std::nullopt, [&](const auto&) { ++listed; }).ok());
  CHECK(listed == 2 * kPerThread);
}

// The unique-key index against the records (server/audit/unique_index.h):
// what `verify` reports and `forms publish` repairs, on a real LevelDB.
#include <catch2/catch.hpp>

#include <algorithm>

#include "common/clock/clock.h"
#include "common/crypto/ed25519.h"
#include "common/forms/form_registry.h"
#include "common/store/leveldb_store.h"
#include "common/store/proto_io.h"
#include "server/admin/publish.h"
#include "server/audit/unique_index.h"
#include "server/store/server_keys.h"
#include "tests/support/temp_dir.h"

using namespace wardsync;
using records::RecordState;

namespace {

forms::FormDef KeyedTurnout() {
  forms::FormDef form;
  form.set_id("turnout-report");
  form.set_version(2);
  for (const char* name : {"polling_area", "report_time"}) {
    auto* f = form.add_fields();
    f->set_name(name);
    f->set_type(forms::FieldDef::SINGLE_CHOICE);
    f->add_choices()->set_value("x");
    form.add_unique_key(name);
  }
  return form;
}

RecordState Turnout(char id, const std::string& area, bool deleted = false) {
  RecordState r;
  r.set_record_id(std::string(15, '\0') + id);
  r.set_form_id("turnout-report");
  r.set_form_version(2);
  r.set_ward("phuong-cam-gia");
  r.set_deleted(deleted);
  (*r.mutable_fields())["polling_area"].mutable_value()->set_choice(area);
  (*r.mutable_fields())["report_time"].mutable_value()->set_choice("19h");
  return r;
}

}  // namespace

TEST_CASE("the unique-key index: missing entries and stale ones are found, and none once repaired",
          "[unit][unique-key]") {
  forms_util::FormRegistry registry;
  REQUIRE(registry.Add(KeyedTurnout()).ok());
  const auto key_of = server::audit::KeyOfPublished(registry);

  test::TempDir dir("unique-index");
  auto db = LevelDbStore::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  const RecordState indexed = Turnout('\x01', "phuong-cam-gia-kv01");
  const RecordState unindexed = Turnout('\x02', "phuong-cam-gia-kv02");  // stored before the index existed
  const RecordState gone = Turnout('\x03', "phuong-cam-gia-kv03", /*deleted=*/true);
  const RecordState moved = Turnout('\x04', "phuong-cam-gia-kv01");  // indexed under its old area
  WriteBatch batch;
  for (const RecordState* r : {&indexed, &unindexed, &gone, &moved}) PutProto(batch, server::keys::Record(r->record_id()), *r);
  batch.Put(server::keys::UniqueKeyEntry(*key_of(indexed, nullptr), indexed.record_id()), "");
  const std::string stale_gone =
      server::keys::UniqueKeyEntry(*key_of(Turnout('\x03', "phuong-cam-gia-kv03"), nullptr), gone.record_id());
  const std::string stale_moved =
      server::keys::UniqueKeyEntry(*key_of(Turnout('\x04', "phuong-cam-gia-kv02"), nullptr), moved.record_id());
  batch.Put(stale_gone, "");
  batch.Put(stale_moved, "");
  REQUIRE((*db)->Write(batch, true).ok());

  auto diff = server::audit::DiffUniqueIndex(**db, key_of);
  REQUIRE(diff.ok());
  CHECK(diff->indexed == 1);
  // The record never indexed, and the moved one under its key now.
  CHECK(diff->missing == std::vector<std::string>{server::keys::UniqueKeyEntry(*key_of(unindexed, nullptr), unindexed.record_id()),
                                                  server::keys::UniqueKeyEntry(*key_of(moved, nullptr), moved.record_id())});
  CHECK(diff->stale.size() == 2);
  CHECK(std::count(diff->stale.begin(), diff->stale.end(), stale_gone) == 1);
  CHECK(std::count(diff->stale.begin(), diff->stale.end(), stale_moved) == 1);
  CHECK(diff->first_problem.find("record 00000000000000000000000000000002 (turnout-report@2, ward phuong-cam-gia) has "
                                 "the unique key polling_area=phuong-cam-gia-kv02, report_time=19h but is missing") == 0);

  WriteBatch fix;
  for (const auto& e : diff->missing) fix.Put(e, "");
  for (const auto& e : diff->stale) fix.Delete(e);
  REQUIRE((*db)->Write(fix, true).ok());
  auto again = server::audit::DiffUniqueIndex(**db, key_of);
  REQUIRE(again.ok());
  CHECK(again->indexed == 3);
  CHECK(again->missing.empty());
  CHECK(again->stale.empty());
  CHECK(again->first_problem.empty());
}

TEST_CASE("forms publish indexes the records stored before the index, also when nothing new is published",
          "[unit][unique-key]") {
  test::TempDir dir("unique-publish");
  auto db = LevelDbStore::Open(dir.Sub("db"));
  REQUIRE(db.ok());
  auto key = crypto::PrivateKey::Generate();
  REQUIRE(key.ok());
  SystemClock clock;
  server::ServerContext ctx{**db, clock, std::move(*key), {}, {}};
  REQUIRE(server::LoadForms(ctx).ok());
  auto first = server::PublishForms(ctx, {KeyedTurnout()}, std::nullopt);
  REQUIRE(first.ok());
  CHECK(first->published == std::vector<std::string>{"turnout-report@2"});
  CHECK(first->keys_indexed == 0);
  // Two records that reached the store without their index entries.
  WriteBatch batch;
  for (const auto& r : {Turnout('\x01', "phuong-cam-gia-kv01"), Turnout('\x02', "phuong-cam-gia-kv02")}) {
    PutProto(batch, server::keys::Record(r.record_id()), r);
  }
  REQUIRE((*db)->Write(batch, true).ok());
  auto again = server::PublishForms(ctx, {KeyedTurnout()}, std::nullopt);
  REQUIRE(again.ok());
  CHECK(again->unchanged == std::vector<std::string>{"turnout-report@2"});
  CHECK(again->epoch == first->epoch);  // devices fetch nothing again
  CHECK(again->keys_indexed == 2);
  CHECK(again->keys_removed == 0);
  auto diff = server::audit::DiffUniqueIndex(**db, server::audit::KeyOfPublished(ctx.forms.Get()->registry));
  REQUIRE(diff.ok());
  CHECK(diff->indexed == 2);
  CHECK(diff->first_problem.empty());
}

// Own changes not echoed (PROTOCOL.md): a pull that leaves out the records a
// device already holds must leave the device's store exactly as a full page
// would. Each sync here runs twice from the same store: the device itself
// (digests sent, own records completed locally) and a copy of its store
// taken just before (full pages, as an older client gets), against the same
// server state; srv/, loc/ and the cursor must then be byte for byte equal.
// Random histories mix the cases ingest changes a device's record in:
// others' edits of the same records, VALUES conflicts, REJECTED changes,
// clamped clocks and reviews.
#include <filesystem>
#include <map>
#include <random>

#include "client/store/client_keys.h"
#include "client/sync/sync_client.h"
#include "common/crypto/digest.h"
#include "tests/integration/review/review_fixture.h"

namespace review_test {
namespace {

std::map<std::string, std::string> Dump(KvStore& kv, std::string_view prefix) {
  std::map<std::string, std::string> out;
  auto it = kv.Scan(prefix);
  for (; it->Valid(); it->Next()) out.emplace(std::string(it->key()), std::string(it->value()));
  REQUIRE(it->status().ok());
  return out;
}

struct Tally {
  uint64_t echoed = 0;       // own records the server left out
  uint64_t own_full = 0;     // records with pending changes that came back in full
};

// Syncs `d` (own echo on) and a copy of its store taken before (own echo
// off), and compares what both stored.
void SyncBothWays(TestDevice& d, Tally& tally) {
  TempDir twin_dir(FastTempBase());
  const std::string twin = twin_dir.path() + "/twin";
  std::filesystem::copy(d.data(), twin, std::filesystem::copy_options::recursive);
  auto pending = d.store().PendingLocalRecords(SIZE_MAX);
  REQUIRE(pending.ok());
  const uint64_t own = (*pending)->size();

  auto echoed = d.env().SyncRoundDirect(client::SyncOptions{});
  INFO(echoed.status().message());
  REQUIRE(echoed.ok());
  REQUIRE(echoed->pending_after == 0);
  tally.echoed += echoed->own_echoed;
  REQUIRE(echoed->own_echoed <= own);
  tally.own_full += own - echoed->own_echoed;

  auto db = LevelDbStore::Open(client::ClientPaths(twin).db());
  REQUIRE(db.ok());
  client::ClientStore store(**db);
  SystemClock clock;
  client::ClientEnv env(client::ClientPaths(twin), store, clock);
  client::SyncOptions full;
  full.own_echo = false;
  auto plain = env.SyncRoundDirect(full);
  INFO(plain.status().message());
  REQUIRE(plain.ok());
  REQUIRE(plain->own_echoed == 0);

  for (std::string_view prefix : {client::keys::kServerRecordPrefix, client::keys::kLocalRecordPrefix}) {
    const auto a = Dump(d.store().kv(), prefix);
    const auto b = Dump(**db, prefix);
    REQUIRE(a.size() == b.size());
    for (const auto& [key, value] : a) {
      INFO(prefix << " " << crypto::Hex(key.substr(prefix.size())));
      REQUIRE(b.count(key) == 1);
      // The same record (not necessarily the same bytes: a map's entries
      // may be serialized in any order).
      records::RecordState ra, rb;
      REQUIRE(ra.ParseFromString(value));
      REQUIRE(rb.ParseFromString(b.at(key)));
      CHECK(google::protobuf::util::MessageDifferencer::Equals(ra, rb));
    }
  }
  auto sa = d.store().State();
  auto sb = store.State();
  REQUIRE(sa.ok());
  REQUIRE(sb.ok());
  CHECK(sa->pull_cursor() == sb->pull_cursor());
  CHECK(sa->hlc() == sb->hlc());
  CHECK(sa->acked_seq() == sb->acked_seq());
}

changes::Change EditOf(const records::RecordState& seen, const std::string& field, int64_t value) {
  changes::Change c;
  c.set_op(changes::Change::UPDATE);
  c.set_record_id(seen.record_id());
  c.set_form_id(seen.form_id());
  c.set_form_version(seen.form_version());
  c.set_ward(seen.ward());
  *c.mutable_base() = seen.last_change().change();
  auto* s = c.add_sets();
  s->set_field(field);
  s->mutable_value()->set_integer(value);
  if (seen.fields().count(field)) *s->mutable_base() = seen.fields().at(field).stamp().change();
  return c;
}

void RunSeed(uint64_t seed, Tally& tally) {
  std::mt19937_64 rng(seed);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  TestServer srv(FastTempBase());
  TestDevice a(srv, "a", kWardA, "officer", "Nguyễn Văn An", FastTempBase());
  TestDevice b(srv, "b", kWardA, "officer", "Trần Văn Bảo", FastTempBase());
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(a.New("voter-meeting", Meeting(200, 10)));
  SyncBothWays(a, tally);
  SyncBothWays(b, tally);

  for (int round = 0; round < 7; ++round) {
    // a's own edits: the records it may get back as echoes.
    for (size_t n = 1 + pick(3); n > 0; --n) {
      a.Edit(ids[pick(ids.size())], {"invited=" + std::to_string(100 + pick(100))});
    }
    if (pick(3) == 0) ids.push_back(a.New("voter-meeting", Meeting(150, 5)));
    // One kind of server-side change of a's records each round, in turn.
    const std::string& id = ids[pick(ids.size())];
    const std::string& known = ids[pick(4)];  // b holds the first four
    switch ((round + seed) % 5) {
      case 0:  // another device edits the same record first (a VALUES conflict when the field is the same)
        b.Edit(known, {pick(2) ? "invited=" + std::to_string(120 + pick(50)) : "attended=" + std::to_string(pick(20))});
        SyncBothWays(b, tally);
        break;
      case 1: {  // a change the server keeps as a REJECTED conflict (a form version it does not have)
        changes::Change c = EditOf(a.Local(id), "invited", 130);
        c.set_form_version(99);
        Smuggle(a, c);
        break;
      }
      case 2:  // a stamp two days ahead: the server clamps it
        Smuggle(a, EditOf(a.Local(id), "attended", static_cast<int64_t>(pick(9))), 2ull * 24 * 3600 * 1000);
        break;
      case 3:  // a review the server records on the record (a later edit resets it)
        // (Refused for some states, e.g. an open conflict: then nothing changes, which is fine here.)
        srv.Cli({"review", id, "--state", pick(2) ? "approved" : "needs-correction"});
        break;
      default:  // nothing else: every own record should come back as an echo
        break;
    }
    SyncBothWays(a, tally);
    if (pick(2)) SyncBothWays(b, tally);
  }
}

}  // namespace

TEST_CASE("own echo: a pull that leaves out a device's own records stores exactly what full pages store",
          "[integration][pull][own-echo]") {
  Tally tally;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    CAPTURE(seed);
    RunSeed(seed, tally);
  }
  INFO("echoed " << tally.echoed << ", own records sent in full " << tally.own_full);
  // Both paths were taken: records completed on the device, and records the
  // server changed (so sent in full).
  CHECK(tally.echoed > 0);
  CHECK(tally.own_full > 0);
}

}  // namespace review_test

// Power loss (FaultEnv: everything not synced to disk is thrown away), at
// many points, on the server and on the client:
//   server: every change-set a device holds as acknowledged is still there
//           after the loss, and a clean sync converges exactly once;
//   client: every record whose capture returned (the officer saw it saved)
//           is still there with its outbox entry, and the chain goes on.
// The first test proves the tool itself: it does lose unsynced writes.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "client/store/client_keys.h"
#include "common/changes/changeset.h"
#include "tests/integration/faults/fault_rig.h"
#include "tests/support/eventually.h"
#include "tests/support/fault_env.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/fault_tally.h"

using namespace wardsync;
using namespace wardsync::test;

TEST_CASE("the fault env loses exactly the writes that were not synced", "[integration][faults]") {
  TempDir dir("faults-env");
  FaultEnv env;
  LevelDbOptions o;
  o.env = &env;
  {
    auto db = LevelDbStore::Open(dir.Sub("db"), o);
    REQUIRE(db.ok());
    WriteBatch durable, volatile_;
    durable.Put("a", "synced");
    REQUIRE((*db)->Write(durable, /*sync=*/true).ok());
    volatile_.Put("b", "not synced");
    REQUIRE((*db)->Write(volatile_, /*sync=*/false).ok());
    CHECK(env.UnsyncedBytes() > 0);
    env.PowerOff();
    WriteBatch late;
    late.Put("c", "after the power went");
    REQUIRE((*db)->Write(late, /*sync=*/true).ok());  // a dead machine's sync is no sync
  }
  FaultEnv::DropReport report;
  REQUIRE(env.DropUnsyncedData(&report).ok());
  CHECK(report.dropped_bytes > 0);
  auto db = LevelDbStore::Open(dir.Sub("db"), o);
  REQUIRE(db.ok());
  std::string v;
  CHECK((*db)->Get("a", &v).ok());
  CHECK(v == "synced");
  CHECK((*db)->Get("b", &v).not_found());
  CHECK((*db)->Get("c", &v).not_found());
}

TEST_CASE("after a server power loss every acknowledged change-set is still there", "[integration][faults]") {
  const uint64_t seed = TestSeed();
  INFO("seed " << seed << " (WARDSYNC_SEED=" << seed << " reproduces)");
  std::mt19937_64 rng(seed);

  FaultEnv env;
  FaultServer server{FaultServerOptions{.env = &env}};
  FaultDevice dev(server, kFaultWard);
  FaultProxy proxy(server.port());
  dev.PointAt(proxy.address());
  client::SyncOptions opt;
  opt.push_batch_count = 3;
  opt.push_window = 2;
  opt.pull_batch = 5;
  opt.io_timeout = std::chrono::seconds(5);

  int made = 0;
  uint64_t dropped = 0;
  int mid_sync = 0;
  for (int round = 0; round < 8; ++round) {
    const int n = std::uniform_int_distribution<int>(1, 15)(rng);
    for (int i = 0; i < n; ++i) dev.New(made++);
    const bool cut_mid_sync = round % 2 == 1;
    INFO("round " << round << ": " << n << " new, power lost " << (cut_mid_sync ? "during" : "after") << " a sync");
    if (cut_mid_sync) {
      // One of the server's syncs in this round is held: its group is in
      // the log, not yet durable, and the network is still up. A server
      // that acknowledged before syncing would let the ack out now. Then
      // the power goes: first the network (no acknowledgement of what is
      // about to be lost may get out), then the disk.
      // Which sync: the first (round 1: always exists) or a later one (it
      // may not come if the pushes share fewer group commits).
      const uint64_t pushes = (n + 2) / 3;
      env.BlockSyncsAfter(round == 1 ? 0 : std::uniform_int_distribution<uint64_t>(0, pushes - 1)(rng));
      std::atomic<bool> done{false};
      std::thread syncer([&] {
        (void)dev.Sync(opt);
        done = true;
      });
      bool held = false;
      Eventually([&] { return done || (held = env.WaitForBlockedSync(std::chrono::milliseconds(0))); },
                 std::chrono::seconds(20), std::chrono::milliseconds(1));
      proxy.CutAll();
      env.PowerOff();
      env.UnblockSyncs();
      syncer.join();
      if (held) ++mid_sync;
    } else {
      auto r = dev.Sync(opt);
      REQUIRE(r.ok());
      env.PowerOff();
    }
    CountFault(Tally::kPowerCutServer);
    const uint64_t acked = dev.State().acked_seq();
    server.Stop();
    FaultEnv::DropReport report;
    REQUIRE(env.DropUnsyncedData(&report).ok());
    dropped += report.dropped_bytes;
    server.Start();
    proxy.SetTarget(server.port());

    INFO("device holds " << acked << " as acknowledged");
    CHECK(server.Device(dev.device_id()).last_seq() >= acked);
    CheckSafe(server, dev);
  }
  CHECK(mid_sync >= 1);  // a held sync did happen
  CHECK(dropped > 0);    // and losses: the test is not vacuous

  auto r = dev.Sync(opt);
  INFO((r.ok() ? "" : r.status().message()));
  REQUIRE(r.ok());
  CheckConverged(server, {&dev}, static_cast<size_t>(made));
}

TEST_CASE("after a client power loss every record whose capture returned is still there", "[integration][faults]") {
  const uint64_t seed = TestSeed();
  INFO("seed " << seed << " (WARDSYNC_SEED=" << seed << " reproduces)");
  std::mt19937_64 rng(seed);

  FaultServer server;
  FaultEnv env;
  FaultDevice dev(server, kFaultWard, &env);

  std::vector<std::string> saved;  // ids whose capture returned while the power was on
  int made = 0;
  uint64_t dropped = 0;
  for (int round = 0; round < 8; ++round) {
    INFO("round " << round);
    if (round % 2 == 0) {
      // Quiet moments: captures, sometimes a sync, then the power goes.
      const int n = std::uniform_int_distribution<int>(1, 6)(rng);
      for (int i = 0; i < n; ++i) saved.push_back(dev.New(made++));
      if (rng() % 2) REQUIRE(dev.Sync().ok());
      // Unsynced bookkeeping is the kind of write a power loss takes.
      REQUIRE(dev.store().NoteSyncResult(false, "test", 1).ok());
      env.PowerOff();
    } else {
      // The power goes while the officer is capturing.
      std::atomic<bool> stop{false};
      std::vector<std::string> returned;
      std::string error;  // Catch2 assertions belong to the test's thread
      std::thread officer([&] {
        while (!stop) {
          auto id = dev.TryNew(made);
          if (!id.ok()) {
            error = id.status().message();
            return;
          }
          ++made;
          // Saved for sure only if the power was still on after it returned:
          // then its sync happened before the loss.
          if (env.powered()) returned.push_back(*id);
        }
      });
      const uint64_t ms = std::uniform_int_distribution<uint64_t>(5, 60)(rng);
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));  // a random moment, not a synchronisation
      env.PowerOff();
      stop = true;
      officer.join();
      INFO(error);
      REQUIRE(error.empty());
      saved.insert(saved.end(), returned.begin(), returned.end());
    }
    dev.Close();
    CountFault(Tally::kPowerCutClient);
    FaultEnv::DropReport report;
    REQUIRE(env.DropUnsyncedData(&report).ok());
    dropped += report.dropped_bytes;
    dev.Open();

    const auto local = dev.LocalViews();
    const auto st = dev.State();
    uint64_t lost = 0;
    for (const auto& hex : saved) {
      std::string raw;
      if (!changes_util::ParseRecordId(hex, &raw) || local.count(raw) != 1) ++lost;
    }
    CountFault(Tally::kLost, lost);
    for (const auto& hex : saved) {
      std::string raw;
      REQUIRE(changes_util::ParseRecordId(hex, &raw));
      INFO("record " << hex);
      REQUIRE(local.count(raw) == 1);
    }
    // Whatever survived is whole: one outbox entry per unacknowledged
    // change-set, a local record for each created record.
    std::vector<uint64_t> expected;
    for (uint64_t s = st.acked_seq() + 1; s <= st.last_seq(); ++s) expected.push_back(s);
    REQUIRE(dev.OutboxSeqs() == expected);
    REQUIRE(local.size() == st.last_seq());
    REQUIRE(st.last_seq() >= saved.size());
    made = static_cast<int>(st.last_seq());
  }
  CHECK(dropped > 0);
  // The chain continues where the disk left it, and the server accepts it.
  dev.New(made++);
  auto r = dev.Sync();
  INFO((r.ok() ? "" : r.status().message()));
  REQUIRE(r.ok());
  CheckConverged(server, {&dev}, dev.State().last_seq());
}

TEST_CASE("a client power loss in the middle of a pull never leaves the cursor ahead of the records",
          "[integration][faults]") {
  // Pulled pages are synced to disk every MiB and at the last page, not
  // each one (client_store.h, ApplyPull): a loss may take the latest pages,
  // but only whole, with their cursor, and the next sync pulls them again.
  const uint64_t seed = TestSeed();
  INFO("seed " << seed << " (WARDSYNC_SEED=" << seed << " reproduces)");
  std::mt19937_64 rng(seed);
  FaultServer server;
  FaultEnv env;
  FaultDevice dev(server, kFaultWard, &env);  // enrolled first: its init pulls nothing yet
  FaultDevice writer(server, kFaultWard);
  std::set<std::string> ids;
  for (int i = 0; i < 120; ++i) {
    std::string raw;
    REQUIRE(changes_util::ParseRecordId(writer.New(i), &raw));
    ids.insert(raw);
  }
  REQUIRE(writer.Sync().ok());

  client::SyncOptions opt;
  opt.pull_batch = 5;         // 24 pages of ~300 bytes on the wire (compressed) ...
  opt.pull_sync_bytes = 600;  // ... synced every other page or so
  const uint64_t cut_after = std::uniform_int_distribution<uint64_t>(5, 110)(rng);
  opt.on_progress = [&](const client::SyncProgress& p) {
    if (p.pulled >= cut_after && env.powered()) env.PowerOff();
  };
  INFO("power lost once " << cut_after << " records were pulled");
  auto round = dev.Sync(opt);  // a dead machine's round: whatever it says
  INFO((round.ok() ? "round ended, pulled " + std::to_string(round->progress.pulled) : round.status().message()));
  REQUIRE_FALSE(env.powered());
  dev.Close();
  CountFault(Tally::kPowerCutClient);
  REQUIRE(env.DropUnsyncedData().ok());
  dev.Open();

  // What survived: a cursor, and every record the log names up to it.
  const uint64_t cursor = dev.State().pull_cursor();
  const auto held = dev.ServerViews();
  CHECK(cursor < 120);  // the loss did take pages (the last one, synced, never came)
  if (cut_after >= 40) CHECK_FALSE(held.empty());  // and left the synced ones
  for (const auto& [id, record] : held) {
    CHECK(ids.count(id) == 1);
    CHECK(record.log_seq() <= cursor);  // nothing of a page past the cursor
  }
  // The next sync pulls the rest; afterwards every record is there once.
  REQUIRE(dev.Sync().ok());
  const auto after = dev.ServerViews();
  CHECK(after.size() == ids.size());
  for (const auto& [id, record] : after) {
    INFO("log_seq " << record.log_seq());
    CHECK(ids.count(id) == 1);
    // Records the log names up to the surviving cursor survived the loss.
    if (record.log_seq() <= cursor) CHECK(held.count(id) == 1);
  }
  CHECK(dev.State().pull_cursor() >= 120);
}

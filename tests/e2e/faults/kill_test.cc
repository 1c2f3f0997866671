// SIGKILL at random moments (seeded: WARDSYNC_SEED reproduces a run), real
// binaries: `wardsync sync` killed while it pushes or pulls a few hundred
// records, and separately `wardsync-server run` killed under two syncing
// clients. After each kill the survivors are consistent; after a final
// sync, every record is on the server once and on every device once.
// The servers run with small pull pages (--max-pull) so pulls take many pages
// (one record per page where a kill must land between two pages: pages are
// requested ahead and synced every MiB, so a pull of five-record pages is over
// too fast).
#include <catch2/catch.hpp>

#include <signal.h>

#include <map>
#include <random>

#include "tests/e2e/faults/e2e_rig.h"
#include "tests/support/fault_tally.h"

using namespace wardsync::test;
using Ms = std::chrono::milliseconds;

namespace {

// Runs `wardsync sync` and SIGKILLs it at a random moment, unless it
// finishes first. The moment is drawn in [0.3, 1.1] x the time a whole sync
// of that device took last (starting at 300 ms, growing while kills land
// before anything was stored), so most kills land after the connection is
// up: in the push, between acknowledgements, between pull pages.
struct Killer {
  ServerProc& server;
  std::mt19937_64& rng;
  std::map<const WardClient*, Ms> spans;
  int kills = 0, mid_pull = 0;

  // True if the sync finished on its own.
  bool SyncOnce(WardClient& who, uint64_t log_head) {
    Ms& span = spans.try_emplace(&who, Ms(300)).first->second;
    const auto before = who.Inspect().state;
    const Ms at(std::uniform_int_distribution<int64_t>(span.count() * 3 / 10, span.count() * 11 / 10)(rng));
    INFO("kill after " << at.count() << " ms");
    const auto started = std::chrono::steady_clock::now();
    Process sync("wardsync", who.Args({"sync", "--quiet"}));
    if (auto code = sync.Wait(at)) {
      INFO(sync.err());
      REQUIRE(*code == 0);
      span = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - started);
      return true;
    }
    REQUIRE(sync.Signal(SIGKILL));
    REQUIRE(sync.Wait(Ms(10'000)).has_value());
    ++kills;
    CountFault(Tally::kKillClient);
    CheckClientSafe(server, who);
    const auto after = who.Inspect().state;
    if (after.pull_cursor() > before.pull_cursor() && after.pull_cursor() < log_head) ++mid_pull;
    if (after.acked_seq() == before.acked_seq() && after.pull_cursor() == before.pull_cursor()) {
      span = std::min(span * 3 / 2, Ms(3000));
    }
    return false;
  }
};

}  // namespace

TEST_CASE("wardsync sync killed at random points loses nothing and duplicates nothing", "[e2e][faults]") {
  const uint64_t seed = E2eSeed();
  INFO("seed " << seed << " (WARDSYNC_SEED=" << seed << " reproduces)");
  std::mt19937_64 rng(seed);

  ServerProc server;
  server.Start({"--max-pull", "1"});
  WardClient a(server, kE2eWard);  // pushes, and pulls its records back
  WardClient c(server, kE2eWard);  // pulls as they come
  WardClient d(server, kE2eWard);  // pulls all of them at the end: long pulls
  Killer killer{server, rng, {}};
  std::set<std::string> ids;
  for (int round = 0; round < 8; ++round) {
    // New work every round, so every sync has something to push or pull.
    for (auto& id : a.Capture(40)) ids.insert(id);
    for (WardClient* who : {&a, &c}) {
      INFO("round " << round << ", " << (who == &a ? "pushing device" : "pulling device"));
      killer.SyncOnce(*who, ids.size());
    }
  }
  // Long pulls until one was cut between two pages and one completed.
  bool finished = false;
  for (int i = 0; i < 12 && !(finished && killer.mid_pull > 0); ++i) {
    INFO("long pull " << i);
    if (finished) {  // more to pull
      for (auto& id : a.Capture(100)) ids.insert(id);
      REQUIRE(a.Run({"sync", "--quiet"}).exit_code == 0);
    }
    finished = killer.SyncOnce(d, ids.size());
  }
  INFO(killer.kills << " kills, " << killer.mid_pull << " between two pull pages");
  CHECK(killer.kills >= 6);     // the kills did land inside syncs
  CHECK(killer.mid_pull >= 1);  // also between two pull pages
  for (WardClient* who : {&a, &c, &d}) {
    auto done = who->Run({"sync", "--quiet"});
    INFO(done.err);
    REQUIRE(done.exit_code == 0);
  }
  server.Stop();
  CheckServerHolds(server, ids);
  CheckClientHolds(a, ids);
  CheckClientHolds(c, ids);
  CheckClientHolds(d, ids);
}

TEST_CASE("wardsync-server killed at random points under syncing clients loses nothing acknowledged",
          "[e2e][faults]") {
  const uint64_t seed = E2eSeed();
  INFO("seed " << seed << " (WARDSYNC_SEED=" << seed << " reproduces)");
  std::mt19937_64 rng(seed);

  ServerProc server;
  server.Start({"--max-pull", "5"});
  WardClient a(server, kE2eWard);  // pushes
  WardClient c(server, kE2eWard);  // pulls at the same time
  std::set<std::string> ids;
  // How long one such round takes here, undisturbed: kills are drawn in
  // [0.3, 1.1] x that, so most land while the two syncs run.
  Ms span(0);
  {
    for (auto& id : a.Capture(60)) ids.insert(id);
    const auto started = std::chrono::steady_clock::now();
    Process push("wardsync", a.Args({"sync", "--quiet"}));
    Process pull("wardsync", c.Args({"sync", "--quiet"}));
    REQUIRE(push.Wait(Ms(30'000)) == 0);
    REQUIRE(pull.Wait(Ms(30'000)).has_value());
    span = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - started);
  }
  int cut = 0;  // rounds in which the kill broke a running sync
  // Six rounds, and up to six more while fewer than two were cut: `span` is
  // one round measured on a machine that may be busier then than later (it
  // failed once with 0 of 6 cut while two builds ran beside it).
  for (int round = 0; round < 12 && (round < 6 || cut < 2); ++round) {
    for (auto& id : a.Capture(60)) ids.insert(id);
    Process push("wardsync", a.Args({"sync", "--quiet"}));
    Process pull("wardsync", c.Args({"sync", "--quiet"}));
    const Ms at(std::uniform_int_distribution<int64_t>(span.count() * 3 / 10, span.count() * 11 / 10)(rng));
    INFO("round " << round << ": server killed after " << at.count() << " ms");
    push.Wait(at);  // the random moment of the kill (or the push finished first)
    server.Kill();
    CountFault(Tally::kKillServer);
    // The clients notice at once (connection reset or refused) and keep what they had.
    auto pushed = push.Wait(Ms(15'000));
    auto pulled = pull.Wait(Ms(15'000));
    REQUIRE(pushed.has_value());
    REQUIRE(pulled.has_value());
    if (*pushed != 0 || *pulled != 0) ++cut;
    server.Start();
    CheckClientSafe(server, a);
    CheckClientSafe(server, c);
  }
  INFO(cut << " rounds cut by the kill");
  CHECK(cut >= 2);
  for (WardClient* who : {&a, &c}) {
    auto done = who->Run({"sync", "--quiet"});
    INFO(done.err);
    REQUIRE(done.exit_code == 0);
  }
  server.Stop();
  CheckServerHolds(server, ids);
  CheckClientHolds(a, ids);
  CheckClientHolds(c, ids);
}

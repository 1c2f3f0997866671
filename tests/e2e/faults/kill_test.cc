// SIGKILL at random moments (seeded: WARDSYNC_SEED reproduces a run), real
// binaries: `wardsync sync` killed while it pushes or pulls a few hundred
// records, and separately `wardsync-server run` killed under two syncing
// clients. After each kill the survivors are consistent; after a final
// sync, every record is on the server once and on every device once.
// The server runs with --max-pull 20 so pulls take many pages.
#include <catch2/catch.hpp>

#include <signal.h>

#include <random>

#include "tests/e2e/faults/e2e_rig.h"

using namespace wardsync::test;
using Ms = std::chrono::milliseconds;

TEST_CASE("wardsync sync killed at random points loses nothing and duplicates nothing", "[e2e][faults]") {
  const uint64_t seed = E2eSeed();
  INFO("seed " << seed << " (WARDSYNC_SEED=" << seed << " reproduces)");
  std::mt19937_64 rng(seed);

  ServerProc server;
  server.Start({"--max-pull", "20"});
  WardClient a(server, kE2eWard);  // pushes 300, pulls them back
  WardClient c(server, kE2eWard);  // pulls the 300
  std::set<std::string> ids;
  for (auto& id : a.Capture(300)) ids.insert(id);

  int kills = 0;
  for (WardClient* who : {&a, &c}) {
    INFO((who == &a ? "pushing device" : "pulling device"));
    for (int i = 0; i < 8; ++i) {
      Process sync("wardsync", who->Args({"sync", "--quiet"}));
      const Ms at(std::uniform_int_distribution<int>(0, 400)(rng));
      INFO("kill after " << at.count() << " ms");
      if (auto code = sync.Wait(at)) {  // it finished before its kill
        INFO(sync.err());
        REQUIRE(*code == 0);
        break;
      }
      REQUIRE(sync.Signal(SIGKILL));
      REQUIRE(sync.Wait(Ms(10'000)).has_value());
      ++kills;
      CheckClientSafe(server, *who);
    }
    auto done = who->Run({"sync", "--quiet"});
    INFO(done.err);
    REQUIRE(done.exit_code == 0);
  }
  CHECK(kills >= 4);  // the kills did land inside syncs

  server.Stop();
  CheckServerHolds(server, ids);
  CheckClientHolds(a, ids);
  CheckClientHolds(c, ids);
}

TEST_CASE("wardsync-server killed at random points under syncing clients loses nothing acknowledged",
          "[e2e][faults]") {
  const uint64_t seed = E2eSeed();
  INFO("seed " << seed << " (WARDSYNC_SEED=" << seed << " reproduces)");
  std::mt19937_64 rng(seed);

  ServerProc server;
  server.Start({"--max-pull", "20"});
  WardClient a(server, kE2eWard);
  WardClient c(server, kE2eWard);
  std::set<std::string> ids;
  for (int round = 0; round < 5; ++round) {
    for (auto& id : a.Capture(60)) ids.insert(id);
    Process push("wardsync", a.Args({"sync", "--quiet"}));
    Process pull("wardsync", c.Args({"sync", "--quiet"}));
    const Ms at(std::uniform_int_distribution<int>(0, 300)(rng));
    INFO("round " << round << ": server killed after " << at.count() << " ms");
    push.Wait(at);  // the random moment of the kill (or the push finished first)
    server.Kill();
    // The clients notice at once (connection reset or refused) and keep what they had.
    REQUIRE(push.Wait(Ms(15'000)).has_value());
    REQUIRE(pull.Wait(Ms(15'000)).has_value());
    server.Start();
    CheckClientSafe(server, a);
    CheckClientSafe(server, c);
  }
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

// The soak (hidden tag [.soak]: not in scripts/test; run by scripts/soak):
// three ward agents (real binaries) sync through a FaultProxy whose fault
// changes at random - cuts at random offsets, stalls, delays, tiny writes,
// sudden cuts of every connection - while officers capture records through
// the agents, agents are SIGKILLed and restarted, and the server is
// SIGKILLed and restarted. For WARDSYNC_SOAK_SECONDS (default 60), then the
// faults stop and everything must converge: each record on the server once,
// on every device once, nothing pending.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <thread>

#include "tests/e2e/faults/e2e_rig.h"
#include "tests/support/eventually.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/fault_tally.h"

using namespace wardsync::test;
using Ms = std::chrono::milliseconds;

namespace {

std::unique_ptr<Process> StartAgent(WardClient& c) {
  auto p = std::make_unique<Process>(
      "wardsync", c.Args({"agent", "--interval-s", "2", "--max-backoff-s", "3", "--probe-interval-s", "0.5",
                          "--io-timeout-s", "2"}));
  REQUIRE(p->WaitForStderrLine("agent: running", Ms(20'000)));
  return p;
}

}  // namespace

TEST_CASE("soak: agents through a faulty network with kills converge exactly once", "[.soak]") {
  const uint64_t seed = E2eSeed();
  const char* env_seconds = std::getenv("WARDSYNC_SOAK_SECONDS");
  const int seconds = env_seconds ? std::atoi(env_seconds) : 60;
  INFO("seed " << seed << " (WARDSYNC_SEED=" << seed << " reproduces the choices, not the timing)");
  WARN("soak: " << seconds << " s, seed " << seed);
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };

  ServerProc server;
  server.Start({"--max-pull", "10"});
  // Enrolled directly; their configuration then names the proxy.
  std::vector<std::unique_ptr<WardClient>> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(std::make_unique<WardClient>(server, kE2eWard));
  FaultProxy proxy(server.port());
  for (auto& c : clients) c->PointAt(proxy.address());
  std::vector<std::unique_ptr<Process>> agents;
  for (auto& c : clients) agents.push_back(StartAgent(*c));

  std::set<std::string> ids;
  struct Counts {
    int captures = 0, faults = 0, cuts = 0, agent_kills = 0, server_kills = 0, checks = 0;
  } n;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int step = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    ++step;
    const int roll = pick(100);
    const int who = pick(static_cast<int>(clients.size()));
    INFO("step " << step << ", roll " << roll);
    if (roll < 40) {
      auto r = clients[who]->Run({"new", "--form", "voter-meeting", "--set",
                                  "candidate=" + Candidate(static_cast<size_t>(step)), "--set", "place=noi-cu-tru",
                                  "--set", "meeting_date=2026-11-22",
                                  "--set", "invited=300", "--set", "attended=" + std::to_string(step % 300)});
      INFO(r.err);
      REQUIRE(r.exit_code == 0);  // capture never needs the network
      ids.insert(r.out.substr(0, r.out.find('\n')));
      ++n.captures;
    } else if (roll < 60) {
      ProxyFault f;
      const uint64_t at = static_cast<uint64_t>(pick(60'000));
      // A cut offset within what a connection carries on average so far in
      // that direction (agents' syncs are small), so most cuts land inside one.
      const ProxyStats seen = proxy.stats();
      const auto within = [&](uint64_t bytes) {
        const uint64_t mean = bytes / std::max<uint64_t>(seen.connections, 1);
        return static_cast<uint64_t>(pick(static_cast<int>(std::clamp<uint64_t>(mean * 6 / 5, 64, 60'000))));
      };
      switch (pick(6)) {
        case 0: break;  // a clean network for a while
        case 1: f.cut_up = within(seen.bytes_up); break;
        case 2: f.cut_down = within(seen.bytes_down); break;
        case 3: (pick(2) ? f.stall_up : f.stall_down) = at / 2; break;
        case 4: f.delay = Ms(1 + pick(5)); break;
        case 5: f.split = 1 + static_cast<size_t>(pick(8)); f.seed = static_cast<uint32_t>(rng()); break;
      }
      proxy.SetFault(f);
      ++n.faults;
    } else if (roll < 70) {
      proxy.CutAll();
      ++n.cuts;
    } else if (roll < 80) {
      agents[who]->Signal(SIGKILL);
      REQUIRE(agents[who]->Wait(Ms(10'000)).has_value());
      agents[who] = StartAgent(*clients[who]);
      ++n.agent_kills;
      CountFault(Tally::kKillClient);
    } else if (roll < 85) {
      server.Kill();
      server.Start();
      ++n.server_kills;
      CountFault(Tally::kKillServer);
    } else {
      // Nothing the device holds as acknowledged is missing on the server.
      auto s = clients[who]->Json({"status"});
      REQUIRE(static_cast<uint64_t>(Num(At(s, "acked_seq"))) <= server.DeviceSeq(clients[who]->device_id()));
      ++n.checks;
    }
    std::this_thread::sleep_for(Ms(20 + pick(200)));  // pacing between actions, not synchronisation
  }
  WARN("soak: " << step << " steps: " << n.captures << " captures, " << n.faults << " fault changes, " << n.cuts
                << " cuts, " << n.agent_kills << " agent kills, " << n.server_kills << " server kills, "
                << n.checks << " checks, " << proxy.stats().cuts << " connections cut at an offset");
  CountFault(Tally::kCutOffset, proxy.stats().cuts);

  // The network heals: everything converges without help.
  proxy.ClearFault();
  proxy.CutAll();  // connections that took a fault with them
  for (size_t i = 0; i < clients.size(); ++i) {
    const bool ok = Eventually(
        [&] {
          auto s = clients[i]->Json({"status"});
          return Num(At(s, "pending")) == 0 && IsNull(At(s, "last_error")) && Num(At(s, "pull_cursor")) == ids.size();
        },
        Ms(120'000), Ms(250));
    INFO("device " << i << " agent log:\n" << agents[i]->err());
    REQUIRE(ok);
  }
  for (auto& a : agents) {
    REQUIRE(a->Signal(SIGTERM));
    REQUIRE(a->Wait(Ms(20'000)) == 0);
  }
  server.Stop();
  CheckServerHolds(server, ids);
  for (auto& c : clients) CheckClientHolds(*c, ids);
}

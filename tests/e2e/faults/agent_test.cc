// The background agent (real binary) against a server that is down, then
// up, then killed and restarted in the middle of a long round: it converges
// with nobody's help. While the server is down its attempts follow the
// backoff it announces in its log ("agent: sync failed (...); next attempt
// in N ms"): every delay within the growing ceiling (1 s, 2 s, ... capped at
// --max-backoff-s), and each attempt waits out the delay announced before
// it - no busy loop, however long the outage.
#include <catch2/catch.hpp>

#include <signal.h>

#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tests/e2e/faults/e2e_rig.h"
#include "tests/support/eventually.h"
#include "tests/support/fault_tally.h"

using namespace wardsync::test;
using Ms = std::chrono::milliseconds;

namespace {

constexpr uint64_t kBaseMs = 1000;  // the agent's first backoff ceiling
constexpr uint64_t kCapMs = 2000;   // --max-backoff-s 2

struct Attempt {
  int64_t at_ms;     // the log line's time stamp
  uint64_t next_ms;  // the delay it announces
};

// "2026-11-25T02:21:53.775Z agent: sync failed (...); next attempt in 734 ms"
// (parsed by hand: std::regex recurses per character and overflows the
// stack on a long log).
std::vector<Attempt> FailedAttempts(const std::string& log) {
  std::vector<Attempt> out;
  size_t start = 0;
  for (size_t nl; (nl = log.find('\n', start)) != std::string::npos; start = nl + 1) {
    const std::string line = log.substr(start, nl - start);
    const size_t next = line.rfind("; next attempt in ");
    if (line.find(" agent: sync failed (") == std::string::npos || next == std::string::npos) continue;
    std::tm tm{};
    int ms = 0;
    if (std::sscanf(line.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &ms) != 7) {
      continue;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    out.push_back({static_cast<int64_t>(timegm(&tm)) * 1000 + ms,
                   std::strtoull(line.c_str() + next + std::strlen("; next attempt in "), nullptr, 10)});
  }
  return out;
}

std::string NewMeeting(WardClient& c, int n) {
  auto r = c.Run({"new", "--form", "voter-meeting", "--set", "candidate=" + Candidate(static_cast<size_t>(n)), "--set", "place=noi-cu-tru", "--set",
                  "meeting_date=2026-11-20", "--set", "invited=100", "--set", "attended=" + std::to_string(50 + n)});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string id = r.out.substr(0, r.out.find('\n'));
  REQUIRE(id.size() == 32);
  return id;
}

}  // namespace

TEST_CASE("the agent converges by itself through an outage and a server restarted mid-round", "[e2e][faults]") {
  ServerProc server;
  server.Start({"--max-pull", "1"});  // a long pull: many pages to interrupt
  WardClient a(server, kE2eWard);
  WardClient b(server, kE2eWard);
  server.Stop();

  Process agent("wardsync", a.Args({"agent", "--interval-s", "60", "--max-backoff-s", "2", "--probe-interval-s",
                                     "0.3", "--io-timeout-s", "3"}));
  REQUIRE(agent.WaitForStderrLine("agent: running", Ms(10'000)));
  // On a failure, the agent's own account of it.
  auto require = [&](bool ok, const char* what) {
    if (ok) return;
    const bool running = agent.running();
    INFO(what << "; agent " << (running ? "still running" : "exited with " + std::to_string(*agent.exit_code()))
              << "; agent log:\n"
              << agent.err());
    REQUIRE(ok);
  };

  // ---- down: captures go through the agent (it holds the directory)
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.insert(NewMeeting(a, i));
  const size_t after_wakes = FailedAttempts(agent.err()).size();
  // Each capture wakes the agent (one immediate attempt, or one right after
  // the attempt in flight); from the second failure after the last capture
  // on, only the backoff drives it. Watch three delays.
  require(Eventually([&] { return FailedAttempts(agent.err()).size() >= after_wakes + 5; }, Ms(30'000), Ms(50)),
          "five more failed attempts while the server is down");
  auto status = a.Json({"status"});
  CHECK(Bool(At(status, "agent_running")));
  CHECK(Num(At(status, "pending")) == 3);
  CHECK_FALSE(IsNull(At(status, "last_error")));
  CHECK(Num(At(status, "backoff_ms")) >= 1);
  CHECK(Num(At(status, "backoff_ms")) <= kCapMs);
  CHECK(Num(At(status, "next_attempt_ms")) > 0);

  const auto attempts = FailedAttempts(agent.err());
  for (size_t i = 0; i < attempts.size(); ++i) {
    const uint64_t ceiling = std::min(kCapMs, kBaseMs << std::min<size_t>(i, 20));
    INFO("failure " << i << " announces " << attempts[i].next_ms << " ms; ceiling " << ceiling);
    CHECK(attempts[i].next_ms <= ceiling);
    CHECK(attempts[i].next_ms >= ceiling / 10);  // never zero: never a spin
  }
  for (size_t i = after_wakes + 1; i + 1 < attempts.size(); ++i) {
    const int64_t gap = attempts[i + 1].at_ms - attempts[i].at_ms;
    INFO("attempt " << i + 1 << " came " << gap << " ms after a failure that announced " << attempts[i].next_ms);
    CHECK(gap >= static_cast<int64_t>(attempts[i].next_ms) - 2);
    CHECK(gap <= static_cast<int64_t>(attempts[i].next_ms) + 2000);  // and does not linger
  }
  // However long the outage, attempts come at most every ceiling/10 of the
  // cap once it is reached: here at most 3 wakes + 2 + window / 200 ms.
  const int64_t window = attempts.back().at_ms - attempts.front().at_ms;
  CHECK(attempts.size() <= 5 + static_cast<size_t>(window / 200));

  // ---- up: no intervention needed
  server.Start();
  const auto up = std::chrono::steady_clock::now();
  auto converged = [&](size_t head) {
    auto s = a.Json({"status"});
    return Num(At(s, "pending")) == 0 && IsNull(At(s, "last_error")) && Num(At(s, "pull_cursor")) >= head;
  };
  require(Eventually([&] { return converged(3); }, Ms(20'000), Ms(100)), "converged once the server is up");
  CHECK(std::chrono::steady_clock::now() - up < Ms(kCapMs + 4000));

  // ---- restarted mid-round: B's 400 records reach A 1 per page. A fast
  // round (pages are requested ahead and synced every MiB) can end between
  // the look at `status` and the kill: then the agent converges with the
  // server down (no failed attempt follows), the server is started again
  // and B sends 400 more.
  size_t failures_before = 0;
  bool caught = false;
  for (int attempt = 0; attempt < 4 && !caught; ++attempt) {
    for (auto& id : b.Capture(400)) ids.insert(id);
    auto pushed = b.Run({"sync", "--quiet"});
    INFO(pushed.err);
    REQUIRE(pushed.exit_code == 0);
    failures_before = FailedAttempts(agent.err()).size();
    ids.insert(NewMeeting(a, 3 + attempt));  // wakes the agent: push 1, pull 401
    const bool seen = Eventually(
        [&] {
          auto s = a.Json({"status"});
          if (Str(At(s, "agent_phase")) == "syncing" && Num(At(At(s, "progress"), "pulled")) > 0) return true;
          return converged(ids.size());  // the round is already over: try again
        },
        Ms(20'000), Ms(0));
    require(seen, "the agent syncing or converged after the wake");
    if (converged(ids.size())) continue;
    server.Kill();
    CountFault(Tally::kKillServer);
    // Either the round in flight breaks (a failed attempt is logged) or it
    // had already received its last page and converges.
    require(Eventually([&] { return FailedAttempts(agent.err()).size() > failures_before || converged(ids.size()); },
                       Ms(20'000), Ms(50)),
            "the round broke or ended after the kill");
    caught = FailedAttempts(agent.err()).size() > failures_before;
    server.Start();
  }
  require(caught, "the server killed in the middle of the agent's pull");
  // Converged, or still pulling: on a loaded machine (page by page, one
  // record each) the round after the restart can take longer than one window; a window with no progress at all fails.
  auto pulled_so_far = [&] {
    auto s = a.Json({"status"});
    return Num(At(s, "pull_cursor")) + Num(At(At(s, "progress"), "pulled"));
  };
  bool done = false;
  for (double before = -1; !done;) {
    done = Eventually([&] { return converged(ids.size()); }, Ms(30'000), Ms(100));
    if (done) break;
    const double now = pulled_so_far();
    if (now == before) break;
    before = now;
  }
  require(done, ("converged after the restart mid-round; status: " + a.Run({"status", "--json"}).out).c_str());

  // ---- SIGTERM: a clean exit
  REQUIRE(agent.Signal(SIGTERM));
  CHECK(agent.Wait(Ms(10'000)) == 0);
  server.Stop();
  CheckServerHolds(server, ids);
  CheckClientHolds(a, ids);
}

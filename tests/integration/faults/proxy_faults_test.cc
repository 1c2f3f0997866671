// Sync through a broken network (FaultProxy between the client library and
// a real server on 127.0.0.1): cut at byte offsets sampled across the whole
// first sync (TLS handshake, hello, pipelined pushes, acks, pull pages),
// stalls, delays, tiny writes. After each fault the server and the device
// must be consistent (nothing acknowledged lost, nothing applied twice), and
// one clean sync must finish the job without resending anything the server
// had acknowledged.
//
// One prepared scenario, copied for every fault: the server holds 30 records
// of device B; device A (same ward) has 30 pending. A's sync pushes 30
// change-sets in 8 frames and pulls 60 records in 8 pages.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "tests/integration/faults/fault_rig.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/fault_tally.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

constexpr int kPerDevice = 30;
constexpr size_t kRecords = 2 * kPerDevice;

struct Scenario {
  TempDir dir{"faults-scenario"};
  std::string server_dir = dir.Sub("srv");
  std::string device_dir = dir.Sub("dev");
  Scenario() {
    FaultServer srv;
    FaultDevice a(srv, kFaultWard);  // enrolled first: B's records are still to pull
    FaultDevice b(srv, kFaultWard);
    for (int i = 0; i < kPerDevice; ++i) b.New(i);
    REQUIRE(b.Sync().ok());
    for (int i = 0; i < kPerDevice; ++i) a.New(1000 + i);
    a.Close();
    srv.Stop();
    CopyTree(srv.data_dir(), server_dir);
    CopyTree(a.data_dir(), device_dir);
  }
};

const Scenario& TheScenario() {
  static Scenario s;
  return s;
}

// Small batches so the round has many frames to cut between.
client::SyncOptions SmallBatches() {
  client::SyncOptions o;
  o.push_batch_count = 4;
  o.push_window = 2;
  o.pull_batch = 8;
  o.connect_timeout = std::chrono::seconds(5);
  o.io_timeout = std::chrono::seconds(5);
  return o;
}

// A fresh copy of the scenario with A behind a proxy.
struct Run {
  FaultServer server{FaultServerOptions{.copy_from = TheScenario().server_dir}};
  FaultDevice device{TheScenario().device_dir, nullptr};
  FaultProxy proxy{server.port()};
  Run() { device.PointAt(proxy.address()); }

  // After a fault: consistent; then a clean sync completes the job: every
  // change-set still pending is acknowledged (also those the server had
  // taken without its acknowledgement getting through), none applied twice.
  void FinishCleanly() {
    CheckSafe(server, device);
    proxy.ClearFault();
    const uint64_t acked = device.State().acked_seq();
    auto done = device.Sync(SmallBatches());
    INFO("clean sync: " << (done.ok() ? "ok" : done.status().message()));
    REQUIRE(done.ok());
    CHECK(done->pending_after == 0);
    CHECK(done->progress.pushed == kPerDevice - acked);
    CheckConverged(server, {&device}, kRecords);
  }
};

// The bytes each way of a clean sync of the scenario through the proxy: the
// shortest of three. The down stream is not the same length from run to run
// (received times in the compressed acks and pages, the length of the
// server's ECDSA signature): up to ~50 bytes apart over 15 runs. A cut drawn
// from one run's total could fall past the end of a shorter run, which then
// ends without its cut (CI stop 21 failed on a check of this kind).
struct Totals {
  uint64_t up = 0, down = 0;
};
const Totals& CleanTotals() {
  static const Totals totals = [] {
    Totals t{UINT64_MAX, UINT64_MAX};
    for (int i = 0; i < 3; ++i) {
      Run run;
      auto r = run.device.Sync(SmallBatches());
      REQUIRE(r.ok());
      CheckConverged(run.server, {&run.device}, kRecords);
      t.up = std::min(t.up, run.proxy.stats().bytes_up);
      t.down = std::min(t.down, run.proxy.stats().bytes_down);
    }
    return t;
  }();
  return totals;
}
// Cuts are drawn at least this far before the end of the shortest clean run,
// well beyond the spread above.
constexpr uint64_t kEndMargin = 128;

using Ms = std::chrono::milliseconds;
Ms Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - t);
}

}  // namespace

TEST_CASE("a sync cut at any byte offset resumes without loss or duplicates", "[integration][faults]") {
  const uint64_t seed = TestSeed();
  INFO("seed " << seed << " (WARDSYNC_SEED=" << seed << " reproduces)");
  std::mt19937_64 rng(seed);

  const uint64_t up = CleanTotals().up, down = CleanTotals().down;
  // Frames of 1 KiB and more travel zstd-compressed (after the hello; the
  // first flight too, agreed in the TLS handshake): ~5.7 KB up and ~4.8 KB
  // down (over 8 KB and 20 KB without; down was ~6.9 KB before the pull
  // stopped echoing the device's own records, PROTOCOL.md "Own changes not
  // echoed"), enough for a cut in every tenth.
  REQUIRE(up > 4'500);
  REQUIRE(down > 4'000);

  // Offsets: the very start, inside the TLS handshake, then one random
  // offset in each tenth of the stream, in each direction.
  struct Cut {
    bool up;
    uint64_t at;
  };
  std::vector<Cut> cuts = {{true, 0}, {false, 0}, {true, 100}, {false, 700}};
  for (int dir = 0; dir < 2; ++dir) {
    const uint64_t total = (dir == 0 ? up : down) - kEndMargin;
    for (int i = 0; i < 10; ++i) {
      std::uniform_int_distribution<uint64_t> in_tenth(total * i / 10, total * (i + 1) / 10 - 1);
      cuts.push_back({dir == 0, in_tenth(rng)});
    }
  }
  int failed_rounds = 0;
  for (const Cut& cut : cuts) {
    INFO("cut " << (cut.up ? "client->server" : "server->client") << " after " << cut.at << " of "
                << (cut.up ? up : down) << " bytes");
    Run run;
    ProxyFault f;
    (cut.up ? f.cut_up : f.cut_down) = cut.at;
    run.proxy.SetFault(f);
    const auto started = std::chrono::steady_clock::now();
    auto r = run.device.Sync(SmallBatches());
    CHECK(Since(started) < Ms(5000));  // a cut is noticed at once, not by a timeout
    if (!r.ok()) ++failed_rounds;
    CHECK(run.proxy.stats().cuts == 1);
    CountFault(Tally::kCutOffset, run.proxy.stats().cuts);
    run.FinishCleanly();
  }
  // The cuts did land inside the round (not all after its end).
  CHECK(failed_rounds >= static_cast<int>(cuts.size()) - 3);
}

TEST_CASE("a stalled connection ends by the client's timeout and the next sync completes", "[integration][faults]") {
  struct Stall {
    bool up;
    uint64_t at;
  };
  // In the handshake, in the pushes, in the pull pages.
  const Totals& t = CleanTotals();
  for (const Stall& s : {Stall{true, 0}, Stall{true, t.up / 2}, Stall{false, t.down * 3 / 4}}) {
    INFO("stall " << (s.up ? "client->server" : "server->client") << " after " << s.at << " bytes");
    Run run;
    ProxyFault f;
    (s.up ? f.stall_up : f.stall_down) = s.at;
    run.proxy.SetFault(f);
    auto opt = SmallBatches();
    opt.connect_timeout = Ms(600);
    opt.io_timeout = Ms(400);
    const auto started = std::chrono::steady_clock::now();
    auto r = run.device.Sync(opt);
    const Ms took = Since(started);
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(r.status().code() == Status::Code::kDeadlineExceeded);
    CHECK(took >= Ms(400));
    CHECK(took < Ms(3000));
    CHECK(run.proxy.stats().stalls == 1);
    run.FinishCleanly();
  }
}

TEST_CASE("a sync through a slow link and through tiny writes completes exactly once", "[integration][faults]") {
  SECTION("every piece delayed") {
    Run run;
    ProxyFault f;
    f.delay = Ms(2);
    run.proxy.SetFault(f);
    auto r = run.device.Sync(SmallBatches());
    INFO((r.ok() ? "" : r.status().message()));
    REQUIRE(r.ok());
    CHECK(r->pending_after == 0);
    CheckConverged(run.server, {&run.device}, kRecords);
  }
  SECTION("writes split into pieces of 1..5 bytes") {
    Run run;
    ProxyFault f;
    f.split = 5;
    f.seed = static_cast<uint32_t>(TestSeed());
    run.proxy.SetFault(f);
    auto r = run.device.Sync(SmallBatches());
    INFO((r.ok() ? "" : r.status().message()));
    REQUIRE(r.ok());
    const auto st = run.proxy.stats();
    CHECK(st.writes >= (st.bytes_up + st.bytes_down) / 5);  // the split did happen
    CheckConverged(run.server, {&run.device}, kRecords);
  }
}

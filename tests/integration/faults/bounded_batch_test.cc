// Bounded batches: a device with 20,000 pending change-sets syncs in frames
// no larger than the server's frame limit - set here to 256 KiB, far below
// the ~10 MB the change-sets take together. The server refuses to read a
// larger frame and refuses to send one, so a sync that completes proves
// every frame both ways stayed within the bound; the proxy shows the whole
// transfer did pass, in many frames.
#include <catch2/catch.hpp>

#include "common/store/forwarding_store.h"
#include "tests/integration/faults/fault_rig.h"
#include "tests/support/fault_proxy.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

// Capturing 20,000 records with a disk sync each would take a minute; the
// syncs are not what this test is about.
class NoSyncKv : public ForwardingKvStore {
 public:
  using ForwardingKvStore::ForwardingKvStore;
  Status Write(const WriteBatch& batch, bool) override { return inner().Write(batch, false); }
};

size_t CountKeys(KvStore& kv, std::string_view prefix) {
  size_t n = 0;
  auto it = kv.Scan(prefix);
  for (; it->Valid(); it->Next()) ++n;
  REQUIRE(it->status().ok());
  return n;
}

}  // namespace

TEST_CASE("20,000 pending change-sets sync in bounded frames", "[integration][faults]") {
  constexpr int kPending = 20'000;
  constexpr uint32_t kFrameLimit = 256 << 10;
  server::ServerLimits limits;
  limits.max_frame_bytes = kFrameLimit;
  limits.max_changesets_per_push = 1000;
  limits.max_pull_records = 500;
  FaultServer server{FaultServerOptions{.limits = limits}};
  FaultDevice dev(server, kFaultWard);
  {
    NoSyncKv fast(dev.kv());
    client::ClientStore store(fast);
    SystemClock clock;
    client::Capture capture(store, clock);
    for (int i = 0; i < kPending; ++i) {
      auto id = capture.New("voter-meeting", Meeting(i));
      if (!id.ok()) FAIL("capture " << i << ": " << id.status().message());
    }
  }
  REQUIRE(dev.State().last_seq() == kPending);

  FaultProxy proxy(server.port());
  dev.PointAt(proxy.address());
  client::SyncOptions opt;
  opt.push_batch_bytes = kFrameLimit - (16 << 10);  // room for the frame's own fields
  opt.pull_batch = 2000;                            // the server caps it at 500
  opt.compression = false;  // the megabytes below are raw frames (zstd: core/compression_test.cc)
  auto r = dev.Sync(opt);
  INFO((r.ok() ? "" : r.status().message()));
  REQUIRE(r.ok());
  CHECK(r->pending_after == 0);
  CHECK(r->progress.pushed == kPending);
  CHECK(r->progress.pulled == kPending);
  // Several megabytes each way went through in frames of at most 256 KiB.
  const ProxyStats traffic = proxy.stats();
  CHECK(traffic.bytes_up > 16 * kFrameLimit);  // one signature per push run: 64 bytes less per change-set
  CHECK(traffic.bytes_down > 20 * kFrameLimit);
  CHECK(r->round_trips >= kPending / 500);
  // Counts, not a record-by-record comparison (which would cost more than
  // the sync; the other fault tests compare every record).
  server.WaitIdle();
  CHECK(server.Device(dev.device_id()).last_seq() == kPending);
  CHECK(server.ChangeSetSeqs(dev.device_id()).size() == kPending);
  CHECK(server.LogHead() == kPending);
  CHECK(CountKeys(server.store(), "rec/") == kPending);
  CHECK(CountKeys(server.store(), "log/") == kPending);
  const store::SyncState st = dev.State();
  CHECK(st.acked_seq() == kPending);
  CHECK(st.pull_cursor() == kPending);
  CHECK(dev.OutboxSeqs().empty());
  CHECK(CountKeys(dev.kv(), "srv/") == kPending);
  // Stored once (client_keys.h): every record was pulled back after its
  // acknowledgement (the pull waits for the pushes), so no loc/ copy is left.
  CHECK(CountKeys(dev.kv(), "loc/") == 0);
}

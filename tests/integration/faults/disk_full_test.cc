// Disk full and I/O errors (FaultEnv) under the server and under a client:
// the write fails with a clear error, nothing is acknowledged (or shown as
// saved) that was not stored, and once the fault is gone the store opens
// and syncs normally, with nothing acknowledged lost - also writes made
// after the failure, which a store that carried on blindly could lose on
// the next open (LevelDB's log writer is misaligned after a failed append).
#include <catch2/catch.hpp>

#include "common/changes/changeset.h"
#include "tests/integration/faults/fault_rig.h"
#include "tests/support/fault_env.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a server whose disk is full acknowledges nothing and recovers once space is back",
          "[integration][faults]") {
  FaultEnv env;
  FaultServer server{FaultServerOptions{.env = &env}};
  FaultDevice dev(server, kFaultWard);
  int made = 0;
  for (; made < 5; ++made) dev.New(made);
  REQUIRE(dev.Sync().ok());

  for (int i = 0; i < 5; ++i) dev.New(made++);
  const int fault = GENERATE(0, 1, 2);
  const char* const kFaults[] = {"disk full on append", "disk full after a few bytes (inside a write)",
                                 "fsync fails"};
  INFO(kFaults[fault]);
  if (fault == 0) env.FailAppendsAfter(0);
  if (fault == 1) env.FailAppendsAfter(100);
  if (fault == 2) env.FailSyncs(true);

  auto r = dev.Sync();
  REQUIRE_FALSE(r.ok());
  INFO(r.status().message());
  CHECK(Contains(r.status().message(), "server storage failed"));
  CHECK(env.injected_errors() > 0);
  // Not acknowledged: the device keeps every change-set.
  CHECK(dev.State().acked_seq() == 5);
  CHECK(dev.OutboxSeqs().size() == 5);
  CheckSafe(server, dev);

  env.ClearFaults();
  // The server refuses to write on a store that failed (its log may be
  // misaligned) until it is restarted; then it syncs normally.
  server.Stop();
  server.Start();
  r = dev.Sync();
  INFO((r.ok() ? "" : r.status().message()));
  REQUIRE(r.ok());
  // Enough afterwards to fill more than one 32 KiB LevelDB log block.
  for (int i = 0; i < 60; ++i) dev.New(made++);
  r = dev.Sync();
  REQUIRE(r.ok());
  server.Stop();
  server.Start();
  CheckConverged(server, {&dev}, static_cast<size_t>(made));
}

TEST_CASE("a server store that failed a write acknowledges nothing more until restarted", "[integration][faults]") {
  FaultEnv env;
  FaultServer server{FaultServerOptions{.env = &env}};
  FaultDevice dev(server, kFaultWard);
  int made = 0;
  for (; made < 3; ++made) dev.New(made);
  env.FailAppendsAfter(0);
  REQUIRE_FALSE(dev.Sync().ok());
  env.ClearFaults();

  // The fault is gone, but the running server must not build on a store
  // whose last write failed: it refuses clearly instead of acknowledging
  // what a restart could lose.
  for (int i = 0; i < 60; ++i) dev.New(made++);
  auto r = dev.Sync();
  REQUIRE_FALSE(r.ok());
  INFO(r.status().message());
  CHECK(Contains(r.status().message(), "restart"));
  CHECK(dev.State().acked_seq() == 0);
  CheckSafe(server, dev);
  server.Stop();
  server.Start();
  REQUIRE(dev.Sync().ok());
  CheckConverged(server, {&dev}, static_cast<size_t>(made));
}

TEST_CASE("a capture on a full disk is refused clearly and leaves nothing half-written", "[integration][faults]") {
  FaultServer server;
  FaultEnv env;
  FaultDevice dev(server, kFaultWard, &env);
  int made = 0;
  for (; made < 3; ++made) dev.New(made);
  const store::SyncState before = dev.State();
  const size_t local_before = dev.LocalViews().size();

  const int fault = GENERATE(0, 1, 2);
  const char* const kFaults[] = {"disk full", "disk full inside the write", "fsync fails"};
  INFO(kFaults[fault]);
  if (fault == 0) env.FailAppendsAfter(0);
  if (fault == 1) env.FailAppendsAfter(200);
  if (fault == 2) env.FailSyncs(true);
  const bool sync_failure = fault == 2;
  auto id = dev.TryNew(made);
  REQUIRE_FALSE(id.ok());
  INFO(id.status().message());
  CHECK((Contains(id.status().message(), "No space left on device") ||
         Contains(id.status().message(), "Input/output error")));
  // Nothing of it is visible.
  CHECK(dev.State().last_seq() == before.last_seq());
  CHECK(dev.LocalViews().size() == local_before);
  CHECK(dev.OutboxSeqs().size() == 3);

  env.ClearFaults();
  // Reopened (a new `wardsync` process), the store works and holds either
  // all of the refused capture or none of it (a failed fsync may or may not
  // have reached the disk).
  dev.Close();
  dev.Open();
  const store::SyncState after = dev.State();
  if (!sync_failure) CHECK(after.last_seq() == before.last_seq());
  CHECK(dev.LocalViews().size() == after.last_seq());
  CHECK(dev.OutboxSeqs().size() == after.last_seq());
  made = static_cast<int>(after.last_seq());
  for (int i = 0; i < 60; ++i) dev.New(made++);
  dev.Close();
  dev.Open();
  CHECK(dev.State().last_seq() == static_cast<uint64_t>(made));
  auto r = dev.Sync();
  INFO((r.ok() ? "" : r.status().message()));
  REQUIRE(r.ok());
  CheckConverged(server, {&dev}, static_cast<size_t>(made));
}

TEST_CASE("a client store that failed a write refuses captures until reopened", "[integration][faults]") {
  // Without the refusal, captures after a failed write were reported saved
  // and gone after the next open (LevelDB's log was misaligned).
  FaultServer server;
  FaultEnv env;
  FaultDevice dev(server, kFaultWard, &env);
  int made = 0;
  for (; made < 3; ++made) dev.New(made);
  env.FailAppendsAfter(0);
  REQUIRE_FALSE(dev.TryNew(made).ok());
  env.ClearFaults();
  auto refused = dev.TryNew(made);
  REQUIRE_FALSE(refused.ok());
  INFO(refused.status().message());
  CHECK(Contains(refused.status().message(), "restart"));

  dev.Close();
  dev.Open();
  std::vector<std::string> saved;
  for (int i = 0; i < 60; ++i) saved.push_back(dev.New(made++));
  dev.Close();
  dev.Open();
  const auto local = dev.LocalViews();
  for (const auto& hex : saved) {
    std::string raw;
    REQUIRE(changes_util::ParseRecordId(hex, &raw));
    REQUIRE(local.count(raw) == 1);
  }
  CHECK(dev.State().last_seq() == 3 + saved.size());
}

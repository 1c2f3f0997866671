// Negotiated limits with the real binaries: a server run with small limits
// announces them in its hello reply, and a device with a large backlog
// keeps to them and syncs everything. `run` refuses limit flags out of range.
#include <catch2/catch.hpp>

#include "client/capture/capture.h"
#include "client/client_paths.h"
#include "client/keys/device_keys.h"
#include "client/store/client_store.h"
#include "common/bundle/bundle.h"
#include "common/changes/changeset.h"
#include "common/clock/clock.h"
#include "common/store/leveldb_store.h"
#include "common/util/files.h"
#include "common/wire/protocol_limits.h"
#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

// Captures `n` voter meetings into a (stopped) client's data directory
// through the client's own capture API, as `wardsync new` would, without
// n process starts. Returns the device's SyncState afterwards.
store::SyncState CaptureBacklog(const std::string& data, int n) {
  client::ClientPaths paths(data);
  auto db = LevelDbStore::Open(paths.db(), LevelDbOptions{});
  INFO(db.status().message());
  REQUIRE(db.ok());
  client::ClientStore store(**db);
  SystemClock clock;
  client::Capture capture(store, clock);
  for (int i = 0; i < n; ++i) {
    const int invited = 80 + i % 120;
    auto id = capture.New("voter-meeting", {{"candidate", Candidate(static_cast<size_t>(i))},
                                            {"place", kMeetingPlace},
                                            {"meeting_date", "2026-11-20"},
                                            {"invited", std::to_string(invited)},
                                            {"attended", std::to_string(invited - i % 9)},
                                            {"notes", std::string(40 + i % 200, 'x')}});
    if (!id.ok()) FAIL("capture " << i << ": " << id.status().message());
  }
  auto state = store.State();
  REQUIRE(state.ok());
  return *state;
}

}  // namespace

TEST_CASE("e2e: a 2,000-record backlog syncs completely under --max-push 50 --max-frame-bytes 262144",
          "[e2e][limits]") {
  ServerProcess server;
  server.Start();
  ClientProcess client(server, kWard);
  server.Stop();
  server.Start({"--max-push", "50", "--max-frame-bytes", "262144", "--max-pull", "300"});

  // The first round learns the limits (the device remembers them).
  auto first = client.Run({"sync"});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);

  const store::SyncState before = CaptureBacklog(client.data(), 2000);
  REQUIRE(before.last_seq() - before.acked_seq() == 2000);
  CHECK(before.server_limits().max_changesets_per_push() == 50);
  CHECK(before.server_limits().max_frame_bytes() == 262144);
  CHECK(before.server_limits().max_pull_records() == 300);

  auto r = client.Run({"sync"});
  INFO(r.out << r.err << "\nserver: " << server.process().err());
  REQUIRE(r.exit_code == 0);
  auto status = client.Json({"status"});
  CHECK(At(status, "pending").number_value() == 0);
  CHECK(Items(server.Records()).size() == 2000);
  // No push was refused for its size, and the store verifies.
  CHECK(server.process().err().find("exceeds the limit") == std::string::npos);
  auto v = server.Admin({"verify"});
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);

  // A second device pulls the 2,000 records in pages of at most 300.
  ClientProcess reader(server, kWard, "officer", "Lê Thị Hoa");
  auto pulled = reader.Run({"sync"});
  INFO(pulled.out << pulled.err);
  REQUIRE(pulled.exit_code == 0);
  CHECK(Items(reader.Json({"list"})).size() == 2000);
}

TEST_CASE("e2e: a hand-over bundle larger than --max-push imports whole: handover signs every change-set",
          "[e2e][limits][handover]") {
  ServerProcess server;
  server.Start();
  ClientProcess client(server, kWard);
  server.Stop();
  server.Start({"--max-push", "50"});

  // Saved unsigned (the push signs run heads); import cuts the bundle into
  // pushes of 50, so the change-sets ending each cut must carry a signature.
  CaptureBacklog(client.data(), 120);
  TempDir usb("usb");
  const std::string file = usb.Sub("ward.bundle");
  auto h = client.Run({"handover", "--out", file});
  INFO(h.out << h.err);
  REQUIRE(h.exit_code == 0);

  std::string bytes;
  REQUIRE(util::ReadFile(file, &bytes).ok());
  auto bundle = bundle_util::Decode(bytes);
  REQUIRE(bundle.ok());
  REQUIRE(bundle->body.change_sets_size() == 120);
  auto key = crypto::PrivateKey::LoadPemFile(client::ClientPaths(client.data()).device_key(0));
  REQUIRE(key.ok());
  int verified = 0;
  for (const auto& cs : bundle->body.change_sets()) verified += changes_util::VerifySignature(cs, key->PublicKeyRaw());
  CHECK(verified == 120);

  auto imp = server.Admin({"import", file});  // forwarded to the running server: its limit of 50 a push
  INFO(imp.out << imp.err);
  REQUIRE(imp.exit_code == 0);
  CHECK(imp.out.find("imported 120 change-set(s)") != std::string::npos);
  CHECK(Items(server.Records()).size() == 120);
  auto v = server.Admin({"verify", "--json"});
  INFO(v.out << v.err);
  REQUIRE(v.exit_code == 0);
  // What the server stores is one signature a push it made of the bundle.
  CHECK(Num(At(ParseJson(v.out), "signatures")) == 3);
}

TEST_CASE("e2e: a device that never learned the limits keeps to the protocol minimums", "[e2e][limits]") {
  ServerProcess server;
  server.Start();
  ClientProcess client(server, kWard);
  server.Stop();
  // Forget what init learned: the first flight must then fit any server.
  {
    client::ClientPaths paths(client.data());
    auto db = LevelDbStore::Open(paths.db(), LevelDbOptions{});
    REQUIRE(db.ok());
    client::ClientStore store(**db);
    REQUIRE(store.SaveServerLimits(sync::ServerLimits()).ok());
  }
  CaptureBacklog(client.data(), 300);
  server.Start({"--max-push", std::to_string(wire::kMinChangeSetsPerPush), "--max-frame-bytes",
                std::to_string(wire::kMinFrameBytes)});
  auto r = client.Run({"sync"});
  INFO(r.out << r.err << "\nserver: " << server.process().err());
  REQUIRE(r.exit_code == 0);
  CHECK(Items(server.Records()).size() == 300);
}

TEST_CASE("e2e: run refuses limit flags out of range, naming the flag and the range", "[e2e][limits]") {
  ServerProcess server;
  struct Case {
    std::string flag, value, range;
  };
  const std::vector<Case> cases = {
      {"--max-push", "0", "50..100000"},
      {"--max-push", "49", "50..100000"},
      {"--max-frame-bytes", "1000", "262144..67108864"},
      {"--max-frame-bytes", "99999999999", "262144..67108864"},
      {"--max-pull", "0", "1..100000"},
      {"--threads", "0", "1..256"},
      {"--idle-timeout-ms", "0", "1000..3600000"},
      {"--handshake-timeout-ms", "0", "100..600000"},
      {"--read-timeout-ms", "0", "100..600000"},
      {"--write-timeout-ms", "0", "100..600000"},
      {"--max-connections", "0", "1..1000000"},
      {"--max-device-connections", "0", "1..64"},
      {"--max-clock-skew-s", "0", "1..2592000"},
      {"--enroll-ttl-hours", "0", "1..8760"},
      {"--enroll-ttl-hours", "1000000", "1..8760"},
      {"--memory-budget-mb", "15", "16..1048576"},
      {"--shared-pages-mb", "0", "1..4096"},
      {"--shared-pages-mb", "4097", "1..4096"},
  };
  for (const auto& c : cases) {
    auto r = RunCommand("wardsync-server",
                        {"run", "--data", server.data(), "--listen", "127.0.0.1:0", c.flag, c.value});
    INFO(c.flag << " " << c.value << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("error: " + c.flag + " " + c.value + " is out of range: allowed " + c.range) !=
          std::string::npos);
  }
}

// A ward device of the benchmark: its own Ed25519 key, a real client store
// (client::ClientStore on LevelDB), client::Capture and client::RunSync.
//
// Where the store lives is a choice per device:
//   - on disk with synced writes (the default: what a real device does);
//   - on disk with fsync turned into a no-op (NoSyncEnv): only to PREPARE a
//     backlog fast; the bytes are the same, and the store is reopened with
//     the default Env before anything is measured;
//   - in memory (leveldb::NewMemEnv): the 2,000 simulated devices of S4,
//     which on real hardware would each have their own disk; here their
//     fsyncs would measure the bench machine's disk, not the server.
#pragma once
#include <memory>
#include <string>

#include "bench/bench_server.h"
#include "client/capture/capture.h"
#include "client/store/client_store.h"
#include "client/sync/sync_client.h"
#include "common/clock/clock.h"
#include "common/crypto/ed25519.h"
#include "common/store/leveldb_store.h"

namespace leveldb {
class Env;
}

namespace wardsync::bench {

struct Identity {
  crypto::PrivateKey key;
  std::string id;
  std::string ward;
  std::string officer;
};

Result<Identity> NewIdentity(const std::string& ward, const std::string& officer);
// The row RedeemEnrollCode writes for an officer device.
wardsync::store::Device ServerRow(const Identity& who);

// An Env whose files ignore Sync() (prepare-only; see above). Process-wide.
leveldb::Env* NoSyncEnv();
// A fresh in-memory Env (caller owns it; it must outlive the stores on it).
std::unique_ptr<leveldb::Env> NewMemoryEnv();

// Whether every BenchDevice::Sync offers zstd frames (default yes;
// --no-zstd). Process-wide: set once before any scenario runs.
void SetDeviceCompression(bool on);

class BenchDevice {
 public:
  // Opens (creating if needed) the client store in dir. env: nullptr = disk.
  static Result<std::unique_ptr<BenchDevice>> Open(const Identity& who, const std::string& dir,
                                                   leveldb::Env* env = nullptr);
  // As a device enrolled with this server: configuration (server address,
  // pinned CA, ward, role, officer) and the forms of its first sync.
  Status Configure(const ServerFacts& facts, const std::string& address);
  // Only the server address (the server, or a relay in front of it).
  Status PointAt(const std::string& address);

  // A complete, valid voter-meeting record; `i` varies the values.
  Result<std::string> NewVoterMeeting(uint64_t i);
  Result<client::SyncReport> Sync(const client::SyncOptions& options = {});

  client::ClientStore& store() { return *store_; }
  client::Capture& capture() { return *capture_; }
  const Identity& identity() const { return who_; }

 private:
  explicit BenchDevice(Identity who) : who_(std::move(who)) {}
  Identity who_;
  SystemClock clock_;
  std::unique_ptr<LevelDbStore> db_;
  std::unique_ptr<client::ClientStore> store_;
  std::unique_ptr<client::Capture> capture_;
};

}  // namespace wardsync::bench

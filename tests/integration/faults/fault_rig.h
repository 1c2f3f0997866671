// The pieces every fault test uses: a real server in this process whose
// store may run on a FaultEnv, ward devices (the client library over a
// LevelDbStore that may run on a FaultEnv too), and the checks that say
// "nothing acknowledged was lost, nothing was applied twice".
//
// Its own small harness rather than ServerFixture/DeviceFixture, because the
// fault tests must choose the leveldb::Env of each store, reopen stores
// after a simulated power loss, and start servers and devices on copies of
// a data directory (one prepared scenario, many faults).
#pragma once
#include <leveldb/env.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "client/capture/capture.h"
#include "client/store/client_store.h"
#include "client/sync/sync_client.h"
#include "common/clock/clock.h"
#include "common/crypto/ed25519.h"
#include "common/store/leveldb_store.h"
#include "server/runtime/server_runtime.h"
#include "tests/support/temp_dir.h"

namespace wardsync::test {

inline const std::string kFaultWard = "phuong-quang-trung";

// The seed of a randomized test: WARDSYNC_SEED if set (to reproduce a
// failure), else a fresh one. Tests print it with INFO.
uint64_t TestSeed();

// Copies a directory tree (regular files only: sockets and locks of a
// stopped process are left behind).
void CopyTree(const std::string& from, const std::string& to);

struct FaultServerOptions {
  server::ServerLimits limits;
  leveldb::Env* env = nullptr;       // nullptr: the real disk
  std::string copy_from;             // start from a copy of this data dir ("" = a fresh InitServer)
  unsigned threads = 2;
};

class FaultServer {
 public:
  explicit FaultServer(FaultServerOptions options = {});
  ~FaultServer();
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  void Start();  // REQUIREs success; later starts reuse the first port
  void Stop();   // drains, and closes the store
  bool running() const { return runtime_ != nullptr; }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& data_dir() const { return data_dir_; }
  KvStore& store();
  // Waits until no connection is open: every push a session received is
  // then committed (or refused), so the reads below see a settled store.
  void WaitIdle();

  std::string EnrollCode(const std::string& ward, const std::string& role = "officer");

  // What the server holds (the server must run).
  store::Device Device(const std::string& device_id);
  uint64_t LogHead();
  std::vector<store::LogEntry> Log();
  std::map<std::string, records::RecordState> Records();  // by raw record id
  std::vector<uint64_t> ChangeSetSeqs(const std::string& device_id);

 private:
  FaultServerOptions options_;
  TempDir dir_{"faults-server"};
  std::string data_dir_;
  uint16_t port_ = 0;
  std::unique_ptr<server::ServerRuntime> runtime_;
};

class FaultDevice {
 public:
  // Enrolls a new device with the running server.
  FaultDevice(FaultServer& server, const std::string& ward, leveldb::Env* env = nullptr);
  // Opens a copy of an enrolled device's data dir.
  FaultDevice(const std::string& copy_from, leveldb::Env* env);
  ~FaultDevice();
  FaultDevice(const FaultDevice&) = delete;
  FaultDevice& operator=(const FaultDevice&) = delete;

  void Open();   // REQUIREs success
  void Close();
  // Points the configuration at another HOST:PORT (a proxy).
  void PointAt(const std::string& host_port);

  const std::string& data_dir() const { return data_dir_; }
  const std::string& device_id() const { return device_id_; }
  client::ClientStore& store() { return *store_; }
  client::Capture& capture() { return *capture_; }
  KvStore& kv() { return *db_; }
  const crypto::PrivateKey& key() const { return *key_; }

  Result<client::SyncReport> Sync(client::SyncOptions options = {});
  // A voter meeting numbered n; REQUIREs success; the id (32 hex digits).
  std::string New(int n);
  Result<std::string> TryNew(int n);

  store::SyncState State();
  std::vector<uint64_t> OutboxSeqs();
  std::map<std::string, records::RecordState> ServerViews();  // srv/, by raw id
  std::map<std::string, records::RecordState> LocalViews();   // ForEachLocal (loc/ over srv/), by raw id

 private:
  void LoadKey();
  TempDir dir_{"faults-device"};
  std::string data_dir_;
  leveldb::Env* env_;
  std::string device_id_;
  std::optional<crypto::PrivateKey> key_;  // no default constructor: loaded after enrollment
  SystemClock clock_;
  std::unique_ptr<LevelDbStore> db_;
  std::unique_ptr<client::ClientStore> store_;
  std::unique_ptr<client::Capture> capture_;
};

client::FieldTexts Meeting(int n);

// Holds once the server is idle (checked first), also right after a fault: the device never counts
// as acknowledged what the server lacks, the server never holds more than
// the device made, each side's sequences are gap-free and unique, and what
// the device pulled matches the server.
void CheckSafe(FaultServer& server, FaultDevice& device);

// After a complete sync of every device: each holds every record of the ward
// exactly as the server does, nothing pending, cursor at the log head; the
// server holds each change-set once, `records` records, each created by
// exactly one log entry (creates only: nothing applied twice).
void CheckConverged(FaultServer& server, const std::vector<FaultDevice*>& devices, size_t records);

}  // namespace wardsync::test

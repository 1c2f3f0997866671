// A ward client enrolled with a ServerFixture, in its own temp dir, through
// the real path (client::InitDevice: key generated here, one-time code,
// enrollment over TLS, first sync pulls the forms). Exposes the library
// pieces the `wardsync` binary is made of: ClientStore, Capture, RunSync.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/capture/capture.h"
#include "client/keys/key_rotation.h"
#include "client/store/client_store.h"
#include "client/sync/sync_client.h"
#include "common/clock/clock.h"
#include "common/store/leveldb_store.h"
#include "tests/support/pack_values.h"
#include "tests/support/server_fixture.h"
#include "tests/support/temp_dir.h"

namespace wardsync::test {

class DeviceFixture {
 public:
  // Enrolls a device for ward/role (REQUIREs success; the server must run).
  DeviceFixture(ServerFixture& server, const std::string& ward, const std::string& role = "officer",
                const std::string& officer = "Nguyễn Văn An");
  DeviceFixture(const DeviceFixture&) = delete;
  DeviceFixture& operator=(const DeviceFixture&) = delete;

  const std::string& data_dir() const { return data_dir_; }
  const std::string& device_id() const { return device_id_; }
  const std::string& ward() const { return ward_; }
  const crypto::PrivateKey& key() const { return key_; }
  client::ClientStore& store() { return *store_; }
  client::Capture& capture() { return *capture_; }
  KvStore& kv() { return *db_; }

  // One sync round (does not REQUIRE success: tests check failures too).
  Result<client::SyncReport> Sync(const client::SyncOptions& options = {});
  // A sync round that must succeed with nothing left pending.
  client::SyncReport SyncOk();

  // Rotates the device key (client::RotateDeviceKey: queued, not sent). On
  // success key() is the new key, and Sync
  // proves the device with the keys the state needs (client::SyncDevice).
  Result<client::KeyRotationResult> RotateKey();

  // Captures a record (REQUIREs success) and returns its id (32 hex digits).
  std::string New(const std::string& form, const client::FieldTexts& sets);
  // The officer's view of one record; nullopt if unknown here.
  std::optional<records::RecordState> Local(const std::string& record_hex);
  // Every local record (deleted ones too).
  std::vector<records::RecordState> LocalRecords();
  uint64_t Pending();
  store::SyncState State();

  // Closes and reopens the store (as a new process would).
  void Reopen();

 private:
  void Open();

  TempDir dir_{"device"};
  std::string data_dir_;
  std::string ward_;
  std::string device_id_;
  crypto::PrivateKey key_;
  SystemClock clock_;
  std::unique_ptr<LevelDbStore> db_;
  std::unique_ptr<client::ClientStore> store_;
  std::unique_ptr<client::Capture> capture_;
};

// A complete, valid voter-meeting (version 2: `candidate` is a value of the
// pack's published `candidates` list, forms/election/choices/).
client::FieldTexts VoterMeeting(const std::string& candidate = "qh-dv1-nguyen-van-hung", int invited = 120,
                                int attended = 95);


}  // namespace wardsync::test

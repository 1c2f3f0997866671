#include "tests/support/device_fixture.h"

#include <catch2/catch.hpp>

#include <sstream>

#include "client/cli/init_device.h"
#include "client/client_paths.h"
#include "client/keys/device_keys.h"
#include "common/changes/changeset.h"

namespace wardsync::test {

namespace {

crypto::PrivateKey LoadKey(const std::string& path) {
  auto k = crypto::PrivateKey::LoadPemFile(path);
  if (!k.ok()) FAIL("device key " << path << ": " << k.status().message());
  return std::move(k).value();
}

// InitDevice writes the key; the fixture reads it back before the member is built.
std::string Enroll(ServerFixture& server, const std::string& dir, const std::string& ward, const std::string& role,
                   const std::string& officer) {
  client::InitDeviceOptions o;
  o.data_dir = dir;
  o.server = server.address();
  o.code = server.EnrollCode(ward, role);
  o.officer = officer;
  o.label = "test " + ward;
  std::ostringstream out;
  std::string forms_error;
  Status s = client::InitDevice(o, out, &forms_error);
  if (!s.ok()) FAIL("InitDevice: " << s.message());
  if (!forms_error.empty()) FAIL("InitDevice: forms not pulled: " << forms_error);
  return client::ClientPaths(dir).device_key();
}

}  // namespace

DeviceFixture::DeviceFixture(ServerFixture& server, const std::string& ward, const std::string& role,
                             const std::string& officer)
    : data_dir_(dir_.Sub("dev")),
      ward_(ward),
      key_(LoadKey(Enroll(server, data_dir_, ward, role, officer))) {
  Open();
  auto cfg = store_->Config();
  REQUIRE(cfg.ok());
  device_id_ = cfg->device_id();
  REQUIRE(cfg->ward() == ward);
  REQUIRE(cfg->role() == role);
}

void DeviceFixture::Open() {
  auto db = LevelDbStore::Open(client::ClientPaths(data_dir_).db());
  if (!db.ok()) FAIL("open client store: " << db.status().message());
  db_ = std::move(db).value();
  store_ = std::make_unique<client::ClientStore>(*db_);
  capture_ = std::make_unique<client::Capture>(*store_, clock_);
}

void DeviceFixture::Reopen() {
  capture_.reset();
  store_.reset();
  db_.reset();
  Open();
}

Result<client::SyncReport> DeviceFixture::Sync(const client::SyncOptions& options) {
  if (State().key_epoch() > 0) return client::SyncDevice(*store_, client::ClientPaths(data_dir_), options);
  client::SyncOptions o = options;  // attachments are sent as SyncDevice sends them
  if (o.attachments_dir.empty()) o.attachments_dir = client::ClientPaths(data_dir_).attachments();
  return client::RunSync(*store_, key_, o);
}

Result<client::KeyRotationResult> DeviceFixture::RotateKey() {
  auto r = client::RotateDeviceKey(*store_, client::ClientPaths(data_dir_), clock_);
  if (r.ok()) key_ = LoadKey(r->key_path);
  return r;
}

client::SyncReport DeviceFixture::SyncOk() {
  auto r = Sync();
  if (!r.ok()) FAIL("sync of " << device_id_ << " failed: " << r.status().message());
  REQUIRE(r->pending_after == 0);
  return *r;
}

std::string DeviceFixture::New(const std::string& form, const client::FieldTexts& sets) {
  auto id = capture_->New(form, sets);
  if (!id.ok()) FAIL("New " << form << ": " << id.status().message());
  return *id;
}

std::optional<records::RecordState> DeviceFixture::Local(const std::string& record_hex) {
  std::string raw;
  REQUIRE(changes_util::ParseRecordId(record_hex, &raw));
  auto r = store_->LocalRecord(raw);
  REQUIRE(r.ok());
  return *r;
}

std::vector<records::RecordState> DeviceFixture::LocalRecords() {
  std::vector<records::RecordState> out;
  REQUIRE(store_->ForEachLocal(std::nullopt, [&](const records::RecordState& r) { out.push_back(r); }).ok());
  return out;
}

uint64_t DeviceFixture::Pending() {
  auto n = store_->PendingCount();
  REQUIRE(n.ok());
  return *n;
}

store::SyncState DeviceFixture::State() {
  auto s = store_->State();
  REQUIRE(s.ok());
  return *s;
}

client::FieldTexts VoterMeeting(const std::string& candidate, int invited, int attended) {
  return {{"candidate", candidate},
          {"place", kMeetingPlace},
          {"meeting_date", "2026-11-20"},
          {"invited", std::to_string(invited)},
          {"attended", std::to_string(attended)}};
}

}  // namespace wardsync::test

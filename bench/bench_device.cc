#include "bench/bench_device.h"

#include <leveldb/env.h>

#include <atomic>
#include <leveldb/helpers/memenv.h>

namespace wardsync::bench {

namespace {

// A file that forwards everything but makes Sync() free.
class NoSyncFile : public leveldb::WritableFile {
 public:
  explicit NoSyncFile(leveldb::WritableFile* f) : f_(f) {}
  leveldb::Status Append(const leveldb::Slice& data) override { return f_->Append(data); }
  leveldb::Status Close() override { return f_->Close(); }
  leveldb::Status Flush() override { return f_->Flush(); }
  leveldb::Status Sync() override { return f_->Flush(); }

 private:
  std::unique_ptr<leveldb::WritableFile> f_;
};

class NoSync : public leveldb::EnvWrapper {
 public:
  NoSync() : EnvWrapper(leveldb::Env::Default()) {}
  leveldb::Status NewWritableFile(const std::string& f, leveldb::WritableFile** r) override {
    leveldb::WritableFile* inner = nullptr;
    leveldb::Status s = target()->NewWritableFile(f, &inner);
    *r = s.ok() ? new NoSyncFile(inner) : nullptr;
    return s;
  }
  leveldb::Status NewAppendableFile(const std::string& f, leveldb::WritableFile** r) override {
    leveldb::WritableFile* inner = nullptr;
    leveldb::Status s = target()->NewAppendableFile(f, &inner);
    *r = s.ok() ? new NoSyncFile(inner) : nullptr;
    return s;
  }
};

}  // namespace

Result<Identity> NewIdentity(const std::string& ward, const std::string& officer) {
  auto key = crypto::PrivateKey::Generate();
  if (!key.ok()) return key.status();
  Identity who{*key, crypto::DeviceIdFromPublicKey(key->PublicKeyRaw()), ward, officer};
  return who;
}

wardsync::store::Device ServerRow(const Identity& who) {
  wardsync::store::Device d;
  d.set_id(who.id);
  d.set_ward(who.ward);
  d.set_role("officer");
  d.set_label("bench " + who.ward);
  d.set_enrolled_ms(SystemClock().NowMs());
  auto* k = d.add_keys();
  k->set_public_key(who.key.PublicKeyRaw());
  k->set_epoch(0);
  k->set_from_seq(1);
  return d;
}

leveldb::Env* NoSyncEnv() {
  static NoSync* env = new NoSync();  // lives as long as the process, like Env::Default()
  return env;
}

std::unique_ptr<leveldb::Env> NewMemoryEnv() {
  return std::unique_ptr<leveldb::Env>(leveldb::NewMemEnv(leveldb::Env::Default()));
}

Result<std::unique_ptr<BenchDevice>> BenchDevice::Open(const Identity& who, const std::string& dir,
                                                       leveldb::Env* env) {
  LevelDbOptions o;
  o.env = env;
  auto db = LevelDbStore::Open(dir, o);
  if (!db.ok()) return db.status();
  std::unique_ptr<BenchDevice> d(new BenchDevice(who));
  d->db_ = std::move(db).value();
  d->store_ = std::make_unique<client::ClientStore>(*d->db_);
  d->capture_ = std::make_unique<client::Capture>(*d->store_, d->clock_);
  return d;
}

Status BenchDevice::Configure(const ServerFacts& facts, const std::string& address) {
  store::ClientConfig cfg;
  cfg.set_device_id(who_.id);
  cfg.set_server(address);
  cfg.set_server_name("127.0.0.1");
  cfg.set_ca_pem(facts.ca_pem);
  cfg.set_ward(who_.ward);
  cfg.set_role("officer");
  cfg.set_officer(who_.officer);
  WS_RETURN_IF_ERROR(store_->SaveConfig(cfg));
  if (facts.forms.empty()) return Status::Ok();  // an external server: the first sync brings them
  return store_->ReplaceForms(facts.forms, facts.wards, facts.forms_epoch, facts.choice_lists);
}

Status BenchDevice::PointAt(const std::string& address) {
  auto cfg = store_->Config();
  if (!cfg.ok()) return cfg.status();
  cfg->set_server(address);
  return store_->SaveConfig(*cfg);
}

Result<std::string> BenchDevice::NewVoterMeeting(uint64_t i) {
  const int invited = 80 + static_cast<int>(i % 120);
  const int attended = invited - static_cast<int>(i % 9);
  const int agree = attended - 3 - static_cast<int>(i % 5);
  // voter-meeting 2 picks the candidate from the pack's published list
  // (forms/election/choices/candidates.json): values offered in every ward.
  static const char* const kCandidates[] = {"qh-dv1-nguyen-van-hung", "qh-dv1-tran-thi-lan", "qh-dv1-le-minh-tuan",
                                            "qh-dv1-pham-thi-hong-nhung", "qh-dv1-hoang-van-duc"};
  return capture_->New("voter-meeting", {{"candidate", kCandidates[i % 5]},
                                         {"place", "noi-cu-tru"},
                                         {"meeting_date", "2026-11-20"},
                                         {"invited", std::to_string(invited)},
                                         {"attended", std::to_string(attended)},
                                         {"agree", std::to_string(agree)},
                                         {"disagree", "2"}});
}

namespace {
std::atomic<bool> g_compression{true};
}  // namespace

void SetDeviceCompression(bool on) { g_compression = on; }

Result<client::SyncReport> BenchDevice::Sync(const client::SyncOptions& options) {
  client::SyncOptions o = options;
  o.compression = g_compression.load();
  return client::RunSync(*store_, who_.key, o);
}

}  // namespace wardsync::bench

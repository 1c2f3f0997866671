// Fixtures for client store/capture tests: a temp dir, a real LevelDB, the
// election form pack, a device key and a manual clock.
#pragma once
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "client/capture/capture.h"
#include "client/store/client_store.h"
#include "common/changes/changeset.h"
#include "common/clock/clock.h"
#include "common/crypto/ed25519.h"
#include "common/forms/form_loader.h"
#include "common/reconcile/merge.h"
#include "common/store/leveldb_store.h"

namespace client_test {

using namespace wardsync;

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/wardsync-client-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) FAIL("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline const forms_util::FormPack& ElectionPack() {
  static const forms_util::FormPack pack = [] {
    auto loaded = forms_util::LoadFormPack(WARDSYNC_SOURCE_DIR "/forms/election");
    if (!loaded.ok()) FAIL("cannot load the election pack: " << loaded.status().message());
    return std::move(loaded).value();
  }();
  return pack;
}

inline crypto::PrivateKey NewKey() {
  auto k = crypto::PrivateKey::Generate();
  REQUIRE(k.ok());
  return std::move(k).value();
}

// Every key and value in the store (to prove a refused action wrote nothing).
inline std::map<std::string, std::string> Dump(KvStore& kv) {
  std::map<std::string, std::string> all;
  auto it = kv.Scan("");
  for (; it->Valid(); it->Next()) all.emplace(std::string(it->key()), std::string(it->value()));
  REQUIRE(it->status().ok());
  return all;
}

// How many keys start with `prefix`.
inline size_t CountPrefix(KvStore& kv, std::string_view prefix) {
  size_t n = 0;
  for (auto it = kv.Scan(prefix); it->Valid(); it->Next()) ++n;
  return n;
}

// What the server makes of change-set `cs`: its (only) change applied to
// `record` with a server stamp.
inline void ServerApply(records::RecordState& record, const changes::SignedChangeSet& cs, uint64_t log_seq,
                        uint64_t received_ms) {
  changes::ChangeSetBody body;
  REQUIRE(changes_util::ParseBody(cs, &body).ok());
  records::Stamp stamp;
  stamp.mutable_change()->set_device_id(body.device_id());
  stamp.mutable_change()->set_seq(body.seq());
  stamp.set_hlc(body.hlc());
  stamp.set_officer(body.officer());
  stamp.set_received_ms(received_ms);
  REQUIRE(reconcile::Apply(record, body.changes(0), stamp, log_seq, {}).ok());
}

// Equal messages (map fields compared as maps: their serialized order varies).
inline bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

inline const std::string kWard = "phuong-hoang-van-thu";

// One ward client: a LevelDB in its own temp dir, enrolled (config saved),
// with the election pack as its forms.
struct Device {
  explicit Device(ManualClock& clock, std::string role = "officer", std::string ward = kWard,
                  std::string officer = "Nguyễn Văn An")
      : clock(clock), key(NewKey()), id(crypto::DeviceIdFromPublicKey(key.PublicKeyRaw())) {
    Open();
    store::ClientConfig config;
    config.set_device_id(id);
    config.set_server("127.0.0.1:7443");
    config.set_server_name("wardsync.test");
    config.set_ward(ward);
    config.set_role(role);
    config.set_officer(officer);
    REQUIRE(cs->SaveConfig(config).ok());
    REQUIRE(cs->ReplaceForms(ElectionPack().forms, ElectionPack().wards, 1, ElectionPack().choice_lists).ok());
  }
  void Open() {
    auto opened = LevelDbStore::Open(dir.path() + "/db");
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    cs = std::make_unique<client::ClientStore>(*db);
    capture = std::make_unique<client::Capture>(*cs, clock);
  }
  void Close() {
    capture.reset();
    cs.reset();
    db.reset();
  }
  // The outbox, all of it.
  std::vector<changes::SignedChangeSet> Outbox() {
    auto batch = cs->PendingBatch(0, 1000, 1 << 30);
    REQUIRE(batch.ok());
    std::vector<changes::SignedChangeSet> out;
    for (const auto& e : *batch) out.push_back(e.signed_());
    return out;
  }
  // The outbox with every change-set signed by the device key, as a push
  // signs any it sends as a run's head (the server drops a non-head's
  // signature unread), so each may be pushed alone or with the others.
  std::vector<changes::SignedChangeSet> SignedOutbox() {
    auto out = Outbox();
    for (auto& cs : out) changes_util::SignBytes(&cs, key);
    return out;
  }
  records::RecordState Local(const std::string& hex) {
    std::string raw;
    REQUIRE(changes_util::ParseRecordId(hex, &raw));
    auto r = cs->LocalRecord(raw);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    return **r;
  }

  ManualClock& clock;
  TempDir dir;
  crypto::PrivateKey key;
  std::string id;
  std::unique_ptr<LevelDbStore> db;
  std::unique_ptr<client::ClientStore> cs;
  std::unique_ptr<client::Capture> capture;
};

inline changes::ChangeSetBody Body(const changes::SignedChangeSet& cs) {
  changes::ChangeSetBody body;
  REQUIRE(changes_util::ParseBody(cs, &body).ok());
  return body;
}

// A complete, valid voter-meeting.
inline client::FieldTexts Meeting(const std::string& invited = "120", const std::string& attended = "95") {
  return {{"candidate", "qh-dv1-tran-thi-lan"}, {"place", "noi-cu-tru"}, {"meeting_date", "2026-02-10"},
          {"invited", invited}, {"attended", attended}};
}

}  // namespace client_test

// Device key rotation (`wardsync rotate-key`): the new key is vouched for by
// the old one inside the device's own chain, the server records it and keeps
// every key, change-sets made before the rotation are signed by the old key
// when they are sent (kept until the rotation is acknowledged), and from then on the old key can neither sign nor connect. Hand-made
// change-sets go straight to the server's ingest (bypassing the client's own
// checks); the device's side runs the real client library over real TLS.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <future>

#include "client/client_paths.h"
#include "client/keys/device_keys.h"
#include "common/changes/changeset.h"
#include "common/changes/key_rotation.h"
#include "common/changes/signature_runs.h"
#include "common/util/files.h"
#include "server/ingest/group_committer.h"
#include "tests/integration/core/raw_client.h"
#include "tests/integration/security/hostile_conn.h"
#include "tests/support/device_fixture.h"
#include "tests/support/json.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

server::SubmissionResult Ingest(ServerFixture& server, const std::string& device,
                                std::vector<changes::SignedChangeSet> sets) {
  server::Submission sub;
  sub.device_id = device;
  sub.change_sets = std::move(sets);
  std::promise<server::SubmissionResult> done;
  server.runtime().committer().RunExclusive([&](server::Ingestor& ing) { done.set_value(ing.CommitOne(sub)); });
  return done.get_future().get();
}

crypto::PrivateKey NewKey() {
  auto k = crypto::PrivateKey::Generate();
  REQUIRE(k.ok());
  return *k;
}

int FileMode(const std::string& path) {
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}

// The body of seq after the server's head of `device`.
changes::ChangeSetBody NextBody(ServerFixture& server, const std::string& device, uint32_t epoch,
                                std::vector<changes::Change> changes) {
  const auto row = server.Device(device);
  auto body = MakeBody(device, row.last_seq() + 1, row.last_hash(), changes);
  body.set_key_epoch(epoch);
  return body;
}

}  // namespace

TEST_CASE("a rotated device syncs on: change-sets before and after the rotation are accepted, verify passes",
          "[integration][keys]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  const client::ClientPaths paths(dev.data_dir());
  dev.New("voter-meeting", VoterMeeting(Candidate(0), 100, 80));
  dev.SyncOk();
  // Made before the rotation, not yet sent: the push signs them with the epoch-0 key.
  dev.New("voter-meeting", VoterMeeting(Candidate(1), 100, 70));
  dev.New("voter-meeting", VoterMeeting(Candidate(2), 100, 60));
  const std::string old_public = dev.key().PublicKeyRaw();

  auto rot = dev.RotateKey();
  INFO((rot.ok() ? "" : rot.status().message()));
  REQUIRE(rot.ok());
  CHECK(rot->epoch == 1);
  CHECK(rot->seq == 4);
  CHECK(rot->key_path == paths.device_key(1));
  CHECK(FileMode(rot->key_path) == 0600);
  CHECK(util::Exists(paths.device_key(0)));  // kept until the server acknowledges the rotation
  CHECK(dev.key().PublicKeyRaw() == rot->public_key);
  CHECK(rot->public_key != old_public);
  CHECK(dev.State().key_epoch() == 1);
  CHECK(dev.State().rotation_seq() == 4);
  // A second rotation waits until this one is acknowledged.
  auto again = dev.RotateKey();
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().message().find("not acknowledged") != std::string::npos);

  dev.New("voter-meeting", VoterMeeting(Candidate(3), 100, 50));
  auto outbox = dev.store().PendingBatch(0, 100, 1 << 20);
  REQUIRE(outbox.ok());
  REQUIRE(outbox->size() == 4);
  std::vector<uint32_t> epochs;
  for (const auto& e : *outbox) {
    changes::ChangeSetBody b;
    REQUIRE(changes_util::ParseBody(e.signed_(), &b).ok());
    epochs.push_back(b.key_epoch());
    CHECK(b.has_rotate_key() == (b.seq() == 4));
    // Saved unsigned; the rotation alone is signed when it is made (by the
    // old key, which the outbox must not depend on keeping).
    CHECK(e.signed_().signature().empty() == !b.has_rotate_key());
  }
  CHECK(epochs == std::vector<uint32_t>{0, 0, 0, 1});

  dev.SyncOk();
  const auto row = server.Device(dev.device_id());
  CHECK(row.last_seq() == 5);
  REQUIRE(row.keys_size() == 2);
  CHECK(row.keys(0).public_key() == old_public);
  CHECK(row.keys(1).epoch() == 1);
  CHECK(row.keys(1).from_seq() == 5);
  CHECK(row.keys(1).public_key() == rot->public_key);
  CHECK(row.keys(1).added_ms() > 0);
  CHECK(server.Records().size() == 4);
  CHECK_FALSE(util::Exists(paths.device_key(0)));  // retired once acknowledged
  CHECK(util::Exists(paths.device_key(1)));
  CHECK_FALSE(client::RotationPending(dev.State()));

  // `devices` shows the epoch and when it rotated; `verify` re-checks every
  // signature with the key of its epoch.
  auto devices = server.Admin({"devices", "--json"});
  REQUIRE(devices.exit_code == 0);
  bool found = false;
  const JsonValue listed = ParseJson(devices.out);
  for (const auto& d : Items(listed)) {
    if (Str(At(d, "id")) != dev.device_id()) continue;
    found = true;
    CHECK(Num(At(d, "key_epoch")) == 1);
    CHECK_FALSE(IsNull(At(d, "key_rotated")));
    CHECK(Num(At(d, "key_rotated_ms")) == static_cast<double>(row.keys(1).added_ms()));
  }
  CHECK(found);
  auto text = server.Admin({"devices"});
  CHECK(text.out.find("key_epoch=1") != std::string::npos);
  auto verify = server.Admin({"verify", "--json"});
  INFO(verify.out << verify.err);
  REQUIRE(verify.exit_code == 0);
  CHECK(Bool(At(ParseJson(verify.out), "ok")));
  // One signature per run (PROTOCOL.md, Signatures): push [1]; push [2 3 4=rotation | 5]:
  // the rotation ends its run (epoch 0), 5 is a run of its own (epoch 1).
  CHECK(Num(At(ParseJson(verify.out), "signatures")) == 3);

  // And again: the chain goes on through a second rotation.
  auto second = dev.RotateKey();
  REQUIRE(second.ok());
  CHECK(second->epoch == 2);
  dev.New("voter-meeting", VoterMeeting(Candidate(4), 100, 40));
  dev.SyncOk();
  CHECK(server.Device(dev.device_id()).keys_size() == 3);
  CHECK(server.Records().size() == 5);
  CHECK(server.Admin({"verify"}).exit_code == 0);
  CHECK_FALSE(util::Exists(paths.device_key(1)));
}

TEST_CASE("after a rotation the old key can neither sign change-sets nor prove the device", "[integration][keys]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  dev.New("voter-meeting", VoterMeeting());
  dev.SyncOk();
  const crypto::PrivateKey old_key = dev.key();
  REQUIRE(dev.RotateKey().ok());
  dev.SyncOk();
  REQUIRE(server.Device(dev.device_id()).keys_size() == 2);
  const auto before = server.Dump();

  // Signed with the old key after the rotation, naming the old epoch.
  auto res = Ingest(server, dev.device_id(),
                    {changes_util::Sign(NextBody(server, dev.device_id(), 0, {VoterMeetingCreate(kWard, 100, 80)}),
                                        old_key)});
  CHECK(res.error == sync::BAD_SIGNATURE);
  CHECK(res.accepted == 0);
  CHECK(res.message.find("retired") != std::string::npos);
  // ... or naming the new epoch.
  res = Ingest(server, dev.device_id(),
               {changes_util::Sign(NextBody(server, dev.device_id(), 1, {VoterMeetingCreate(kWard, 100, 80)}), old_key)});
  CHECK(res.error == sync::BAD_SIGNATURE);
  CHECK(res.accepted == 0);
  // ... or an epoch the server does not know.
  res = Ingest(server, dev.device_id(),
               {changes_util::Sign(NextBody(server, dev.device_id(), 7, {VoterMeetingCreate(kWard, 100, 80)}), old_key)});
  CHECK(res.error == sync::BAD_SIGNATURE);
  CHECK(res.message.find("does not know") != std::string::npos);
  CHECK(server.Dump() == before);

  // A hello proven by the old key is refused, saying why.
  auto cfg = dev.store().Config();
  REQUIRE(cfg.ok());
  auto conn = HostileConn::Tls(server.port(), {cfg->ca_pem()});
  REQUIRE(conn.ok());
  REQUIRE((*conn)->SendHello(dev.device_id(), old_key).ok());
  auto reply = (*conn)->Read();
  REQUIRE(reply.ok());
  REQUIRE(reply->has_error());
  CHECK(reply->error().code() == sync::AUTH_FAILED);
  CHECK(reply->error().message().find("epoch") != std::string::npos);

  // The device itself, with its new key, goes on.
  dev.New("voter-meeting", VoterMeeting(Candidate(5), 100, 30));
  dev.SyncOk();
  CHECK(server.Records().size() == 2);
}

TEST_CASE("a key rotation not vouched for by the old key, or not proven by the new one, is refused",
          "[integration][keys]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  dev.New("voter-meeting", VoterMeeting());
  dev.SyncOk();
  const crypto::PrivateKey old_key = dev.key();
  const crypto::PrivateKey new_key = NewKey();
  const crypto::PrivateKey stranger = NewKey();
  const auto before = server.Dump();

  // A rotation body to new_key (epoch 0 -> 1), properly proven.
  auto rotation = [&](uint32_t signing_epoch) {
    auto body = NextBody(server, dev.device_id(), signing_epoch, {});
    changes_util::SetRotation(body, new_key);
    return body;
  };
  struct Variant {
    std::string name;
    changes::SignedChangeSet cs;
    std::string reason;  // in the refusal
  };
  std::vector<Variant> variants;
  variants.push_back({"signed by the new key instead of the old", changes_util::Sign(rotation(0), new_key),
                      "bad signature"});
  variants.push_back({"signed by a stranger's key", changes_util::Sign(rotation(0), stranger), "bad signature"});
  variants.push_back({"claims the new epoch and is signed by the new key", changes_util::Sign(rotation(1), new_key),
                      "does not know"});
  {
    auto body = rotation(0);
    body.mutable_rotate_key()->set_proof(stranger.Sign(
        crypto::kRotateContext, changes_util::RotationProofMessage(dev.device_id(), body.seq(), 1)));
    variants.push_back({"new key's proof made by another key", changes_util::Sign(body, old_key), "proof"});
  }
  {
    auto body = rotation(0);
    auto other = NextBody(server, dev.device_id(), 0, {});
    other.set_device_id("0000000000000000");
    changes_util::SetRotation(other, new_key);
    *body.mutable_rotate_key() = other.rotate_key();  // a proof made for another device
    variants.push_back({"proof lifted from another device's rotation", changes_util::Sign(body, old_key), "proof"});
  }
  {
    auto body = rotation(0);
    body.mutable_rotate_key()->set_epoch(2);
    body.mutable_rotate_key()->set_proof(new_key.Sign(
        crypto::kRotateContext, changes_util::RotationProofMessage(dev.device_id(), body.seq(), 2)));
    variants.push_back({"skips an epoch", changes_util::Sign(body, old_key), "does not follow"});
  }
  {
    auto body = rotation(0);
    *body.add_changes() = VoterMeetingCreate(kWard, 100, 80);
    variants.push_back({"carries a change as well", changes_util::Sign(body, old_key), "no changes"});
  }
  {
    auto body = NextBody(server, dev.device_id(), 0, {});
    changes_util::SetRotation(body, old_key);
    variants.push_back({"rotates to the key it already has", changes_util::Sign(body, old_key), "already used"});
  }

  for (const auto& v : variants) {
    INFO(v.name);
    auto res = Ingest(server, dev.device_id(), {v.cs});
    INFO(res.message);
    CHECK(res.error == sync::BAD_SIGNATURE);
    CHECK(res.accepted == 0);
    CHECK(res.message.find(v.reason) != std::string::npos);
    CHECK(server.Device(dev.device_id()).keys_size() == 1);
  }
  CHECK(server.Dump() == before);

  // The same rotation made properly is accepted (the variants were refused
  // for what was wrong with them, not for how they were built), and the
  // new key signs from the next change-set on.
  auto good = changes_util::Sign(rotation(0), old_key);
  auto res = Ingest(server, dev.device_id(), {good});
  INFO(res.message);
  REQUIRE(res.ok());
  CHECK(res.accepted == 1);
  auto next = changes_util::Sign(NextBody(server, dev.device_id(), 1, {VoterMeetingCreate(kWard, 90, 10)}), new_key);
  res = Ingest(server, dev.device_id(), {next});
  INFO(res.message);
  CHECK(res.ok());
  CHECK(server.Device(dev.device_id()).keys_size() == 2);
  CHECK(server.Admin({"verify"}).exit_code == 0);
}

TEST_CASE("a rotation in one push with the change-sets around it: only the new key signs after it",
          "[integration][keys]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  const crypto::PrivateKey old_key = dev.key();
  const crypto::PrivateKey new_key = NewKey();
  // seq 1 (old key), 2 rotation (old key), 3 (new key) in one submission.
  auto b1 = NextBody(server, dev.device_id(), 0, {VoterMeetingCreate(kWard, 100, 80)});
  auto cs1 = changes_util::Sign(b1, old_key);
  auto b2 = MakeBody(dev.device_id(), 2, changes_util::BodyHash(cs1), {});
  changes_util::SetRotation(b2, new_key);
  auto cs2 = changes_util::Sign(b2, old_key);
  auto b3 = MakeBody(dev.device_id(), 3, changes_util::BodyHash(cs2), {VoterMeetingCreate(kWard, 100, 70)});

  // After the rotation, in the same push, the old key is already retired.
  b3.set_key_epoch(0);
  auto res = Ingest(server, dev.device_id(), {cs1, cs2, changes_util::Sign(b3, old_key)});
  CHECK(res.error == sync::BAD_SIGNATURE);
  CHECK(res.error_seq == 3);
  CHECK(res.message.find("retired") != std::string::npos);
  CHECK(server.Device(dev.device_id()).last_seq() == 0);

  b3.set_key_epoch(1);
  res = Ingest(server, dev.device_id(), {cs1, cs2, changes_util::Sign(b3, new_key)});
  INFO(res.message);
  REQUIRE(res.ok());
  CHECK(res.accepted == 3);
  const auto row = server.Device(dev.device_id());
  REQUIRE(row.keys_size() == 2);
  CHECK(row.keys(1).from_seq() == 3);
  CHECK(server.Admin({"verify"}).exit_code == 0);
}

TEST_CASE("a rotation resumes after a crash at any point", "[integration][keys]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  const client::ClientPaths paths(dev.data_dir());
  dev.New("voter-meeting", VoterMeeting());
  dev.SyncOk();

  // A crash after the new key file was written but before the rotation was
  // committed leaves a file the next attempt overwrites.
  auto orphan = NewKey();
  REQUIRE(orphan.SavePemFile(paths.device_key(1)).ok());
  auto rot = dev.RotateKey();
  REQUIRE(rot.ok());
  CHECK(rot->public_key != orphan.PublicKeyRaw());
  dev.New("voter-meeting", VoterMeeting(Candidate(3), 100, 70));

  // A restart with the rotation queued: nothing is lost.
  dev.Reopen();
  CHECK(client::RotationPending(dev.State()));
  CHECK(dev.Pending() == 2);

  // The push reaches the server and is stored, but the acknowledgement is
  // lost: the server now knows only the new key, the device still thinks
  // the rotation is pending (and keeps both keys).
  auto outbox = dev.store().PendingBatch(0, 100, 1 << 20);
  REQUIRE(outbox.ok());
  google::protobuf::RepeatedPtrField<changes::SignedChangeSet> push;
  for (const auto& e : *outbox) *push.Add() = e.signed_();
  auto keys = client::LoadDeviceKeys(dev.store(), paths);
  REQUIRE(keys.ok());
  auto signed_heads = changes_util::SignRunHeads(&push, [&keys](uint32_t e) { return keys->ForEpoch(e); },
                                                keys->epoch, dev.State().last_hash());  // as a push does
  REQUIRE(signed_heads.ok());
  auto res = Ingest(server, dev.device_id(), {push.begin(), push.end()});
  INFO(res.message);
  REQUIRE(res.ok());
  REQUIRE(server.Device(dev.device_id()).keys_size() == 2);
  CHECK(util::Exists(paths.device_key(0)));

  // The next sync proves the device with the new key (the hello carries
  // both proofs), learns the server holds everything, and retires the old key.
  auto sync = dev.Sync();
  INFO((sync.ok() ? "" : sync.status().message()));
  REQUIRE(sync.ok());
  CHECK(sync->pending_after == 0);
  CHECK_FALSE(client::RotationPending(dev.State()));
  CHECK_FALSE(util::Exists(paths.device_key(0)));
  CHECK(server.Device(dev.device_id()).keys(1).public_key() == rot->public_key);
  CHECK(server.Records().size() == 2);
  CHECK(server.Admin({"verify"}).exit_code == 0);
}

TEST_CASE("a device key file others can read is refused, the rotated key's too", "[integration][keys]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  const client::ClientPaths paths(dev.data_dir());
  auto rot = dev.RotateKey();
  REQUIRE(rot.ok());

  // Pending: the hello needs both keys, so both files are checked.
  for (uint32_t epoch : {0u, 1u}) {
    INFO("key epoch " << epoch);
    REQUIRE(chmod(paths.device_key(epoch).c_str(), 0644) == 0);
    auto keys = client::LoadDeviceKeys(dev.store(), paths);
    REQUIRE_FALSE(keys.ok());
    CHECK(keys.status().message().find("can be read by others") != std::string::npos);
    auto sync = client::SyncDevice(dev.store(), paths, {});
    REQUIRE_FALSE(sync.ok());
    CHECK(sync.status().message().find("can be read by others") != std::string::npos);
    REQUIRE(chmod(paths.device_key(epoch).c_str(), 0600) == 0);
  }
  REQUIRE(client::LoadDeviceKeys(dev.store(), paths).ok());
  dev.SyncOk();

  // Acknowledged: the new key alone.
  REQUIRE(chmod(paths.device_key(1).c_str(), 0640) == 0);
  auto keys = client::LoadDeviceKeys(dev.store(), paths);
  REQUIRE_FALSE(keys.ok());
  CHECK(keys.status().message().find("can be read by others") != std::string::npos);
}

TEST_CASE("on the device, nothing is made in the old epoch once the rotation is committed", "[integration][keys]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  const crypto::PrivateKey old_key = dev.key();
  // A command that started before the rotation committed (the capture holds
  // no key: it names the epoch the state has when it saves).
  SystemClock clock;
  client::Capture started_before(dev.store(), clock);
  REQUIRE(dev.RotateKey().ok());
  REQUIRE(dev.Pending() == 1);  // the rotation

  auto id = started_before.New("voter-meeting", VoterMeeting());
  INFO((id.ok() ? "" : id.status().message()));
  REQUIRE(id.ok());
  auto outbox = dev.store().PendingBatch(0, 10, 1 << 20);
  REQUIRE(outbox.ok());
  REQUIRE(outbox->size() == 2);
  changes::ChangeSetBody saved;
  REQUIRE(changes_util::ParseBody(outbox->back().signed_(), &saved).ok());
  CHECK(saved.key_epoch() == 1);
  CHECK(outbox->back().signed_().signature().empty());

  // A change-set made in the old epoch is refused by the store itself.
  const auto state = dev.State();
  auto body = MakeBody(dev.device_id(), state.last_seq() + 1, state.last_hash(), {VoterMeetingCreate(kWard, 100, 80)});
  Status s = dev.store().CommitChangeSet(changes_util::Sign(body, old_key), {}, 0);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("epoch") != std::string::npos);
  CHECK(dev.Pending() == 2);

  // The push signs the new-epoch change-set with the new key; the server takes both.
  dev.SyncOk();
  CHECK(server.Records().size() == 1);
}

TEST_CASE("a round whose keys were loaded before a rotation sends what came before it and leaves the rest",
          "[integration][keys]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  const client::ClientPaths paths(dev.data_dir());
  dev.New("voter-meeting", VoterMeeting(Candidate(0), 100, 80));
  dev.New("voter-meeting", VoterMeeting(Candidate(1), 100, 70));
  // The agent's round loaded its keys (epoch 0 only) and then the officer
  // rotated the key and saved a record while it ran.
  auto before = client::LoadDeviceKeys(dev.store(), paths);
  REQUIRE(before.ok());
  REQUIRE(dev.RotateKey().ok());
  dev.New("voter-meeting", VoterMeeting(Candidate(2), 100, 60));
  REQUIRE(dev.Pending() == 4);

  auto r = client::RunSync(dev.store(), before->Proof(), client::SyncOptions{});
  INFO((r.ok() ? "" : r.status().message()));
  REQUIRE(r.ok());  // not "no longer holds that epoch's key"
  CHECK(r->pending_after == 1);
  CHECK(server.Device(dev.device_id()).last_seq() == 3);  // 1, 2 and the rotation

  // The next round loads the new key and sends the rest.
  dev.SyncOk();
  CHECK(server.Device(dev.device_id()).last_seq() == 4);
  CHECK(server.Records().size() == 3);
  CHECK(server.Admin({"verify"}).exit_code == 0);
}

TEST_CASE("a push signs each run head when it sends it, by the key of the head's epoch, wherever the push is cut",
          "[integration][keys]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  const client::ClientPaths paths(dev.data_dir());
  dev.New("voter-meeting", VoterMeeting(Candidate(0), 100, 80));
  dev.New("voter-meeting", VoterMeeting(Candidate(1), 100, 70));
  REQUIRE(dev.RotateKey().ok());
  dev.New("voter-meeting", VoterMeeting(Candidate(2), 100, 60));
  dev.New("voter-meeting", VoterMeeting(Candidate(3), 100, 50));
  REQUIRE(dev.Pending() == 5);

  // One change-set a push: each is a run's head, so the two made before the
  // rotation are signed now by the old key (kept while the rotation is
  // pending), the two after it by the new one.
  client::SyncOptions one_each;
  one_each.push_batch_count = 1;
  auto r = dev.Sync(one_each);
  INFO((r.ok() ? "" : r.status().message()));
  REQUIRE(r.ok());
  CHECK(r->pending_after == 0);
  CHECK(server.Records().size() == 4);
  CHECK_FALSE(util::Exists(paths.device_key(0)));  // the rotation is acknowledged: the old key is retired

  auto verify = server.Admin({"verify", "--json"});
  INFO(verify.out << verify.err);
  REQUIRE(verify.exit_code == 0);
  CHECK(Num(At(ParseJson(verify.out), "signatures")) == 5);  // every change-set was a head

  // The outbox never held a signature but the rotation's; a resend after a
  // lost acknowledgement signs the same bytes to the same signature
  // (Ed25519 is deterministic), so nothing the server holds changes.
  dev.New("voter-meeting", VoterMeeting(Candidate(4), 100, 40));
  auto outbox = dev.store().PendingBatch(0, 10, 1 << 20);
  REQUIRE(outbox.ok());
  REQUIRE(outbox->size() == 1);
  auto sent = outbox->front().signed_();
  changes_util::SignBytes(&sent, dev.key());
  auto twice = sent;
  changes_util::SignBytes(&twice, dev.key());
  CHECK(twice.signature() == sent.signature());
  auto first = Ingest(server, dev.device_id(), {sent});
  REQUIRE(first.ok());
  auto again = Ingest(server, dev.device_id(), {twice});
  INFO(again.message);
  CHECK(again.ok());
  CHECK(again.duplicates == 1);
}

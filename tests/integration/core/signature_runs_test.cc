// One signature rule (PROTOCOL.md, Signatures): a push carries one signature
// per run, on its head; the server stores a signature only where it verified
// one, and `verify` checks each stored chain by exactly the rule ingest
// applies (common/changes/signature_runs.h). A signature in the middle of a
// run is dropped, never stored as proof; a bad head refuses the run; a run
// cut by a later refusal keeps the proof ingest checked.
#include <catch2/catch.hpp>

#include "client/cli/client_env.h"
#include "client/cli/command.h"
#include "client/store/client_keys.h"
#include "common/changes/changeset.h"
#include "common/store/proto_io.h"
#include "common/util/files.h"
#include "common/store/leveldb_store.h"
#include "proto/store.pb.h"
#include "server/store/server_keys.h"
#include "tests/integration/core/raw_client.h"
#include "tests/support/json.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;
using changes::SignedChangeSet;

namespace {

const std::string kWard = "phuong-hoang-van-thu";
const std::string kOtherWard = "phuong-dong-quang";

std::string Garbage(std::string sig) {
  sig[7] ^= 0x5a;
  return sig;
}

// A server and an officer device of kWard whose change-sets 1 and 2 were
// accepted through the client library.
struct Chain {
  ServerFixture server;
  DeviceFixture dev{server, kWard};
  std::string last_hash;

  Chain() {
    dev.New("voter-meeting", VoterMeeting(Candidate(0), 100, 90));
    dev.New("voter-meeting", VoterMeeting(Candidate(1), 300, 200));
    dev.SyncOk();
    last_hash = dev.State().last_hash();
  }
  PushOutcome Push(const std::vector<SignedChangeSet>& sets, uint32_t version = kProtocolVersion) {
    auto cfg = dev.store().Config();
    REQUIRE(cfg.ok());
    auto s = RawSession::Open(server.port(), cfg->ca_pem(), dev.device_id(), dev.key(), 2, version);
    if (!s.ok()) FAIL("raw session: " << s.status().message());
    REQUIRE((*s)->reply().has_hello_reply());
    CHECK((*s)->reply().hello_reply().version() == version);
    auto r = (*s)->Push(sets);
    if (!r.ok()) FAIL("push: " << r.status().message());
    return *r;
  }
  store::StoredChangeSet Stored(uint64_t seq) {
    std::string v;
    REQUIRE(server.store().Get(server::keys::ChangeSet(dev.device_id(), seq), &v).ok());
    store::StoredChangeSet cs;
    REQUIRE(cs.ParseFromString(v));
    return cs;
  }
  // `verify` on the stopped server's store after `alter` changed one stored change-set.
  CommandResult VerifyAltered(uint64_t seq, const std::function<void(store::StoredChangeSet&)>& alter) {
    if (server.running()) server.Stop();
    {
      auto db = LevelDbStore::Open(server.data_dir() + "/db", LevelDbOptions{nullptr, false});
      REQUIRE(db.ok());
      const std::string key = server::keys::ChangeSet(dev.device_id(), seq);
      std::string v;
      REQUIRE((*db)->Get(key, &v).ok());
      store::StoredChangeSet cs;
      REQUIRE(cs.ParseFromString(v));
      alter(cs);
      WriteBatch b;
      b.Put(key, cs.SerializeAsString());
      REQUIRE((*db)->Write(b, true).ok());
    }
    return server.Admin({"verify"});
  }
};

void CheckVerifies(ServerFixture& server) {
  auto r = server.Admin({"verify"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
}

void CheckBroken(const CommandResult& r, const std::string& says) {
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("BROKEN (chains)") != std::string::npos);
  CHECK(r.err.find(says) != std::string::npos);
}

}  // namespace

TEST_CASE("ingest: a bad signature in the middle of a run is dropped, never stored as proof", "[integration][signature]") {
  Chain t;
  auto run = MakeChain(t.dev.device_id(), t.dev.key(), kWard, 2, t.last_hash, 3);  // seq 3, 4, 5
  run[0].set_signature(Garbage(run[0].signature()));
  run[1].set_signature("not a signature at all");
  auto out = t.Push(run);
  INFO((out.error ? out.error->message() : ""));
  CHECK_FALSE(out.error.has_value());
  CHECK(out.acked_seq == 5);
  // Stored: the bodies as received, the head's verified signature, nothing else.
  CHECK(t.Stored(3).signed_().signature().empty());
  CHECK(t.Stored(4).signed_().signature().empty());
  CHECK(t.Stored(3).signed_().body() == run[0].body());
  CHECK(t.Stored(5).signed_().signature() == run[2].signature());
  CHECK_FALSE(t.Stored(3).has_run_proof());
  // verify agrees: the run 3..5 is vouched for by its head.
  CheckVerifies(t.server);

  SECTION("verify: a stored chain whose head signature is bad") {
    auto r = t.VerifyAltered(5, [](store::StoredChangeSet& cs) {
      cs.mutable_signed_()->set_signature(Garbage(cs.signed_().signature()));
    });
    CheckBroken(r, "bad signature on change-set 5 (key epoch 0), which is all that vouches for change-sets 3..4");
  }
  SECTION("verify: an unverified signature stored in the middle of a run") {
    // What the server stored before protocol 2: the signature as received.
    auto r = t.VerifyAltered(4, [&](store::StoredChangeSet& cs) {
      cs.mutable_signed_()->set_signature(Garbage(run[1].signature()));
    });
    CheckBroken(r, "bad signature on change-set 4");
  }
  SECTION("verify: the head's signature removed") {
    auto r = t.VerifyAltered(5, [](store::StoredChangeSet& cs) { cs.mutable_signed_()->clear_signature(); });
    CheckBroken(r, "no signature vouches for change-sets 3..5");
  }
}

TEST_CASE("ingest: a bad signature on a run's head refuses the whole run", "[integration][signature]") {
  Chain t;
  const auto before = t.server.Dump();
  auto run = MakeChain(t.dev.device_id(), t.dev.key(), kWard, 2, t.last_hash, 3);
  // GENERATE, not SECTIONs: the sections would hold no assertion of their own
  // (ctest runs with --warn NoAssertions).
  const bool garbled = GENERATE(true, false);
  if (garbled) {
    run[2].set_signature(Garbage(run[2].signature()));
  } else {
    run[2].clear_signature();
  }
  INFO((garbled ? "garbled" : "missing") << " head signature");
  auto out = t.Push(run);
  REQUIRE(out.error.has_value());
  INFO(out.error->message());
  CHECK(out.error->code() == sync::BAD_SIGNATURE);
  CHECK(out.error->seq() == 5);
  CHECK(out.acked_seq == 2);
  CHECK(t.server.Dump() == before);
  CheckVerifies(t.server);
}

TEST_CASE("ingest: a run cut by a later refusal keeps the proof it was verified by", "[integration][signature]") {
  Chain t;
  // seq 3 is fine; seq 4 writes into another ward (FORBIDDEN), so the server
  // keeps 3, which is not its run's head: it is stored with the run's proof.
  auto good = MakeChain(t.dev.device_id(), t.dev.key(), kWard, 2, t.last_hash, 1);
  SignedChangeSet bad = changes_util::Sign(
      MakeBody(t.dev.device_id(), 4, changes_util::BodyHash(good[0]), {VoterMeetingCreate(kOtherWard, 10, 5)}),
      t.dev.key());
  good[0].clear_signature();  // as a protocol-2 client sends it
  auto out = t.Push({good[0], bad});
  REQUIRE(out.error.has_value());
  CHECK(out.error->code() == sync::FORBIDDEN);
  CHECK(out.acked_seq == 3);
  const auto stored = t.Stored(3);
  CHECK(stored.signed_().signature().empty());
  REQUIRE(stored.has_run_proof());
  CHECK(stored.run_proof().later_bodies_size() == 1);
  CHECK(stored.run_proof().later_bodies(0) == bad.body());
  CHECK(stored.run_proof().signature() == bad.signature());
  CheckVerifies(t.server);

  SECTION("verify: without the proof nothing vouches for it") {
    auto r = t.VerifyAltered(3, [](store::StoredChangeSet& cs) { cs.clear_run_proof(); });
    CheckBroken(r, "no signature vouches for change-set 3");
  }
  SECTION("verify: a proof whose head signature is altered") {
    auto r = t.VerifyAltered(3, [](store::StoredChangeSet& cs) {
      cs.mutable_run_proof()->set_signature(Garbage(cs.run_proof().signature()));
    });
    CheckBroken(r, "the signature of the run's head 4 does not verify");
  }
  SECTION("the device's next run continues the chain") {
    auto next = MakeChain(t.dev.device_id(), t.dev.key(), kWard, 3, changes_util::BodyHash(good[0]), 2);
    auto ok = t.Push(next);
    CHECK_FALSE(ok.error.has_value());
    CHECK(ok.acked_seq == 5);
    CheckVerifies(t.server);
  }
}

TEST_CASE("the client sends one signature per run and the server stores only those", "[integration][signature]") {
  Chain t;
  for (int i = 0; i < 5; ++i) t.dev.New("voter-meeting", VoterMeeting(Candidate(i + 3), 100, 50));
  t.dev.SyncOk();
  CHECK(t.server.Device(t.dev.device_id()).last_seq() == 7);
  for (uint64_t seq = 3; seq <= 6; ++seq) CHECK(t.Stored(seq).signed_().signature().empty());
  CHECK_FALSE(t.Stored(7).signed_().signature().empty());
  auto r = t.server.Admin({"verify", "--json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  auto j = ParseJson(r.out);
  CHECK(Num(At(j, "signatures")) == 2);  // one per push: on seq 2 and on seq 7
  CHECK(Num(At(j, "change_sets")) == 7);
}

TEST_CASE("the client signs a run head only as it was saved: a body damaged in the store is not sent",
          "[integration][signature]") {
  Chain t;
  t.dev.New("voter-meeting", VoterMeeting(Candidate(3), 100, 50));
  t.dev.New("voter-meeting", VoterMeeting(Candidate(4), 100, 40));
  // Change-set 4, the head the push will sign, altered in the store after
  // it was saved (its officer's name): still a well-formed body.
  store::OutboxEntry entry;
  REQUIRE(GetProto(t.dev.kv(), client::keys::Outbox(4), &entry).ok());
  changes::ChangeSetBody body;
  REQUIRE(changes_util::ParseBody(entry.signed_(), &body).ok());
  body.set_officer("Someone Else");
  body.SerializeToString(entry.mutable_signed_()->mutable_body());
  WriteBatch batch;
  PutProto(batch, client::keys::Outbox(4), entry);
  REQUIRE(t.dev.kv().Write(batch, true).ok());

  auto r = t.dev.Sync();
  REQUIRE_FALSE(r.ok());
  INFO(r.status().message());
  CHECK(r.status().code() == Status::Code::kCorruption);
  CHECK(r.status().message().find("not the bytes that were saved") != std::string::npos);
  CHECK(t.server.Device(t.dev.device_id()).last_seq() == 2);  // nothing of the push reached the server
  CHECK(t.dev.Pending() == 2);                                // and nothing is lost on the device

  // `handover` signs every change-set it writes: it refuses the damaged
  // one too, and writes no file.
  TempDir usb("usb");
  const std::string file = usb.Sub("ward.bundle");
  SystemClock clock;
  client::ClientEnv env(client::ClientPaths(t.dev.data_dir()), t.dev.store(), clock);
  std::ostringstream out, err;
  const int code = client::RunClientCommand(env, {"handover", "--data", t.dev.data_dir(), "--out", file}, out, err);
  INFO(out.str() << err.str());
  CHECK(code == 1);
  CHECK(err.str().find("change-set 4 is not the bytes that were saved") != std::string::npos);
  CHECK_FALSE(util::Exists(file));
}

TEST_CASE("a protocol 1 client is still served: every signature sent, only the head's stored", "[integration][signature]") {
  Chain t;
  auto run = MakeChain(t.dev.device_id(), t.dev.key(), kWard, 2, t.last_hash, 3);  // each signed, as v1 sends them
  auto out = t.Push(run, 1);
  INFO((out.error ? out.error->message() : ""));
  CHECK_FALSE(out.error.has_value());
  CHECK(out.acked_seq == 5);
  CHECK(t.Stored(3).signed_().signature().empty());
  CHECK(t.Stored(4).signed_().signature().empty());
  CHECK(t.Stored(5).signed_().signature() == run[2].signature());
  CheckVerifies(t.server);
}

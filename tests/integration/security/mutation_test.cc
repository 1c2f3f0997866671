// Proof in numbers: 10,000 mutations of valid change-sets (bit flips in the
// body and the signature, truncations, another key, another device id),
// submitted straight to the ingest path: none is accepted and the store does
// not change. The unmutated change-set is accepted afterwards, so the
// harness does test a path that can accept.
#include <catch2/catch.hpp>

#include <future>
#include <random>

#include "common/changes/changeset.h"
#include "server/ingest/group_committer.h"
#include "tests/integration/core/raw_client.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;
using changes::SignedChangeSet;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

struct Mutant {
  std::string device_id;  // the submission's authenticated device
  SignedChangeSet cs;
  const char* kind;
};

std::string FlipBit(std::string s, std::mt19937_64& rng) {
  if (s.empty()) return std::string(1, '\x01');
  const size_t i = rng() % s.size();
  s[i] = static_cast<char>(s[i] ^ (1u << (rng() % 8)));
  return s;
}

Mutant Mutate(const SignedChangeSet& good, const changes::ChangeSetBody& body, const std::string& device_id,
              const std::string& other_device_id, const crypto::PrivateKey& other_key, std::mt19937_64& rng) {
  Mutant m{device_id, good, ""};
  switch (rng() % 8) {
    case 0:
      m.kind = "body bit flip";
      m.cs.set_body(FlipBit(good.body(), rng));
      break;
    case 1:
      m.kind = "signature bit flip";
      m.cs.set_signature(FlipBit(good.signature(), rng));
      break;
    case 2:
      m.kind = "body truncated";
      m.cs.set_body(good.body().substr(0, rng() % good.body().size()));
      break;
    case 3:
      m.kind = "signature truncated";
      m.cs.set_signature(good.signature().substr(0, rng() % good.signature().size()));
      break;
    case 4: {
      m.kind = "signed by another key";
      m.cs = changes_util::Sign(body, other_key);
      break;
    }
    case 5: {
      m.kind = "claims another device (own key)";
      auto b = body;
      b.set_device_id(other_device_id);
      m.cs = changes_util::Sign(b, other_key);  // even signed by that device's real key
      break;
    }
    case 6:
      m.kind = "submitted as another device";
      m.device_id = other_device_id;
      break;
    default: {
      m.kind = "body and signature flipped";
      m.cs.set_body(FlipBit(good.body(), rng));
      m.cs.set_signature(FlipBit(good.signature(), rng));
      break;
    }
  }
  return m;
}

}  // namespace

TEST_CASE("10,000 mutated signatures and change-sets: 0 accepted", "[integration][security]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  DeviceFixture other(server, kWard, "officer", "Người thứ hai");
  dev.New("voter-meeting", VoterMeeting());
  dev.SyncOk();
  const auto d = server.Device(dev.device_id());
  // The other device's seq 1 slot is free too: a mutant claiming it would be
  // accepted if the device binding were not checked.
  REQUIRE(server.Device(other.device_id()).last_seq() == 0);

  const auto chain = MakeChain(dev.device_id(), dev.key(), kWard, d.last_seq(), d.last_hash(), 1);
  const SignedChangeSet& good = chain[0];
  changes::ChangeSetBody body;
  REQUIRE(changes_util::ParseBody(good, &body).ok());
  const auto before = server.Dump({"rec/", "cs/", "log/", "wlog/", "conf/", "meta/", "dev/"});

  std::mt19937_64 rng(20261120);
  std::vector<Mutant> mutants;
  mutants.reserve(10'000);
  while (mutants.size() < 10'000) {
    Mutant m = Mutate(good, body, dev.device_id(), other.device_id(), other.key(), rng);
    if (m.device_id == dev.device_id() && m.cs.SerializeAsString() == good.SerializeAsString()) continue;
    mutants.push_back(std::move(m));
  }

  std::promise<std::vector<std::string>> done;
  server.runtime().committer().RunExclusive([&](server::Ingestor& ing) {
    std::vector<std::string> accepted;
    for (const auto& m : mutants) {
      server::Submission sub;
      sub.device_id = m.device_id;
      sub.change_sets = {m.cs};
      auto r = ing.CommitOne(sub);
      if (r.ok() || r.accepted > 0) accepted.push_back(std::string(m.kind) + ": " + m.cs.ShortDebugString());
    }
    done.set_value(std::move(accepted));
  });
  const auto accepted = done.get_future().get();
  CHECK(accepted.size() == 0);
  for (size_t i = 0; i < accepted.size() && i < 5; ++i) UNSCOPED_INFO(accepted[i]);
  CHECK(server.Dump({"rec/", "cs/", "log/", "wlog/", "conf/", "meta/", "dev/"}) == before);

  std::promise<server::SubmissionResult> ok;
  server.runtime().committer().RunExclusive([&](server::Ingestor& ing) {
    server::Submission sub;
    sub.device_id = dev.device_id();
    sub.change_sets = {good};
    ok.set_value(ing.CommitOne(sub));
  });
  const auto r = ok.get_future().get();
  INFO(r.message);
  CHECK(r.ok());
  CHECK(r.accepted == 1);
}

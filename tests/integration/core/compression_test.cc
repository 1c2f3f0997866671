// zstd frames end to end (PROTOCOL.md, Compression): negotiated in the
// hello, fewer bytes each way than the same sync without it, the same data
// on every device; a server that does not offer it still syncs a client that
// asks. Real server in this process, real TLS on 127.0.0.1, real LevelDB.
#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>
#include <map>

#include "common/changes/changeset.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";
constexpr int kRecords = 60;

// Small push frames, one in flight: the first goes with the hello (before
// the server has answered: compressed only if the TLS handshake agreed to
// it, ALPN "ws-zstd"), the other five after the reply, compressed when it
// agreed.
client::SyncOptions SmallPushes(bool compression) {
  client::SyncOptions o;
  o.push_batch_count = 10;
  o.push_window = 1;
  o.compression = compression;
  return o;
}

void Capture(DeviceFixture& d, int n) {
  for (int i = 0; i < n; ++i) d.New("voter-meeting", VoterMeeting(Candidate(0), 100 + i, 50 + i));
}

std::map<std::string, records::RecordState> ById(const std::vector<records::RecordState>& v) {
  std::map<std::string, records::RecordState> m;
  for (const auto& r : v) m[r.record_id()] = r;
  return m;
}

void RequireSameRecords(const std::vector<records::RecordState>& a, const std::vector<records::RecordState>& b) {
  auto ma = ById(a), mb = ById(b);
  REQUIRE(ma.size() == mb.size());
  for (const auto& [id, r] : ma) {
    auto it = mb.find(id);
    REQUIRE(it != mb.end());
    CHECK(google::protobuf::util::MessageDifferencer::Equals(r, it->second));
  }
}

}  // namespace

TEST_CASE("compressed syncs move fewer bytes and converge", "[integration][zstd]") {
  ServerFixture server;
  // Enrolled (and first synced) while the ward is empty.
  DeviceFixture zipped(server, kWard), plain(server, kWard);
  DeviceFixture fresh_zipped(server, kWard), fresh_plain(server, kWard);
  Capture(zipped, kRecords);
  Capture(plain, kRecords);

  // Push: the same number of look-alike change-sets, with and without.
  auto z = zipped.Sync(SmallPushes(true));
  REQUIRE(z.ok());
  auto p = plain.Sync(SmallPushes(false));
  REQUIRE(p.ok());
  CHECK(z->zstd);
  CHECK(z->zstd_first_flight);
  CHECK_FALSE(p->zstd);
  CHECK_FALSE(p->zstd_first_flight);
  CHECK(z->progress.pushed == kRecords);
  CHECK(p->progress.pushed == kRecords);
  CHECK(z->pending_after == 0);
  CHECK(p->pending_after == 0);
  INFO("push bytes: zstd " << z->progress.bytes_out << ", plain " << p->progress.bytes_out);
  CHECK(z->progress.bytes_out * 10 < p->progress.bytes_out * 9);

  // Pull: two devices that hold nothing take the ward's 120 records, with
  // and without.
  auto fz = fresh_zipped.Sync(SmallPushes(true));
  REQUIRE(fz.ok());
  auto fp = fresh_plain.Sync(SmallPushes(false));
  REQUIRE(fp.ok());
  CHECK(fz->progress.pulled == 2 * kRecords);
  CHECK(fp->progress.pulled == 2 * kRecords);
  INFO("pull bytes: zstd " << fz->progress.bytes_in << ", plain " << fp->progress.bytes_in);
  CHECK(fz->progress.bytes_in * 2 < fp->progress.bytes_in);

  // Converged: every device holds the server's view of every record.
  zipped.SyncOk();
  plain.SyncOk();
  const auto truth = server.Records();
  REQUIRE(truth.size() == 2 * kRecords);
  for (DeviceFixture* d : {&zipped, &plain, &fresh_zipped, &fresh_plain}) {
    INFO("device " << d->device_id());
    std::vector<records::RecordState> held;
    for (const auto& r : d->LocalRecords()) {
      auto v = d->store().ServerRecord(r.record_id());
      REQUIRE(v.ok());
      REQUIRE(v->has_value());
      held.push_back(**v);
    }
    RequireSameRecords(held, truth);
    CHECK(d->State().pull_cursor() == server.LogHead());
  }
}

TEST_CASE("a server that does not offer compression still syncs a client that asks", "[integration][zstd]") {
  ServerFixtureOptions opts;
  opts.limits.zstd = false;  // answers like a server that predates compression
  ServerFixture server(opts);
  DeviceFixture dev(server, kWard);
  Capture(dev, 30);
  // Pushes after the reply would be refused ("not negotiated") had the
  // client compressed them anyway.
  auto r = dev.Sync(SmallPushes(true));
  REQUIRE(r.ok());
  CHECK_FALSE(r->zstd);
  CHECK_FALSE(r->zstd_first_flight);  // no ALPN selected: the first flight went plain
  CHECK(r->progress.pushed == 30);
  CHECK(r->pending_after == 0);
  CHECK(server.Records().size() == 30);
}

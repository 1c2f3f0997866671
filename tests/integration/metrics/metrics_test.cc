// GET /metrics of a real server runtime (real TLS syncs from real devices,
// real LevelDB), mounted with MountMetrics on an HTTP server of the test's
// own: the counters move by exactly what the devices did, the gauges show
// the state, and an address outside the allow list gets 403 and no metrics.
#include <catch2/catch.hpp>

#include "common/changes/changeset.h"
#include "tests/integration/core/raw_client.h"
#include "tests/integration/metrics/metrics_http.h"
#include "tests/support/device_fixture.h"
#include "tests/support/eventually.h"
#include "tests/support/server_fixture.h"
#include "tests/support/temp_dir.h"
#include "common/util/files.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-hoang-van-thu";
constexpr uint64_t kMinute = 60'000;

// The change of one sample between two scrapes (absent counts as 0).
double Delta(const std::map<std::string, double>& before, const std::map<std::string, double>& after,
             const std::string& sample) {
  auto at = [&](const std::map<std::string, double>& m) {
    auto it = m.find(sample);
    return it == m.end() ? 0.0 : it->second;
  };
  return at(after) - at(before);
}

double SyncsTotal(const std::map<std::string, double>& m) {
  double n = 0;
  for (const auto& [k, v] : m) {
    if (k.rfind("wardsync_syncs_total{", 0) == 0) n += v;
  }
  return n;
}

// The samples once no connection is open: a session is counted before it
// leaves the open set, so every sync so far is in them.
std::map<std::string, double> Quiet(const MetricsHttp& http) {
  std::map<std::string, double> m;
  REQUIRE(Eventually([&] {
    m = http.Samples();
    return m.at("wardsync_open_connections") == 0;
  }));
  return m;
}

std::unique_ptr<RawSession> Connect(ServerFixture& server, DeviceFixture& dev, uint64_t acked) {
  auto cfg = dev.store().Config();
  REQUIRE(cfg.ok());
  auto s = RawSession::Open(server.port(), cfg->ca_pem(), dev.device_id(), dev.key(), acked);
  if (!s.ok()) FAIL("raw session: " << s.status().message());
  REQUIRE((*s)->reply().has_hello_reply());
  return std::move(s).value();
}

}  // namespace

TEST_CASE("/metrics counts what the devices did: change-sets by outcome, syncs, pulls, bytes",
          "[integration][metrics]") {
  ManualClock clock(SystemClock().NowMs());
  ServerFixtureOptions opt;
  opt.clock = &clock;
  ServerFixture server(opt);
  MetricsHttp http(server.runtime().metrics(), server.runtime().metrics_allow());
  DeviceFixture dev(server, kWard);  // enrolls, and pulls the forms in a first sync
  const auto before = Quiet(http);

  // Three change-sets through the real client library: 3 accepted.
  for (int i = 0; i < 3; ++i) dev.New("voter-meeting", VoterMeeting(Candidate(i), 100, 50 + i));
  dev.SyncOk();
  const std::string last_hash = dev.State().last_hash();

  // One refused: seq 4 with a tampered signature (nothing stored).
  {
    auto cs = changes_util::Sign(MakeBody(dev.device_id(), 4, last_hash, {VoterMeetingCreate(kWard, 100, 50)}),
                                 dev.key());
    std::string sig = cs.signature();
    sig[5] ^= 0x01;
    cs.set_signature(sig);
    Quiet(http);
    auto session = Connect(server, dev, 3);
    // Open while the session is: one connection.
    CHECK(http.Samples().at("wardsync_open_connections") == 1);
    auto out = session->Push({cs});
    REQUIRE(out.ok());
    REQUIRE(out->error.has_value());
    CHECK(out->error->code() == sync::BAD_SIGNATURE);
  }
  // One accepted whose change cannot be applied (attended > invited): kept
  // as a REJECTED change.
  {
    auto cs = changes_util::Sign(MakeBody(dev.device_id(), 4, last_hash, {VoterMeetingCreate(kWard, 100, 101)}),
                                 dev.key());
    auto session = Connect(server, dev, 3);
    auto out = session->Push({cs});
    REQUIRE(out.ok());
    CHECK_FALSE(out->error.has_value());
    CHECK(out->acked_seq == 4);
  }
  // A second device of the ward pulls the ward's records. (Pulls are
  // counted before the page is sent, so before_pull holds the raw sessions'.)
  const auto before_pull = http.Samples();
  DeviceFixture reader(server, kWard, "officer", "Trần Văn Đọc");
  reader.SyncOk();
  // At least the three records: the reader gets all its ward holds.
  const auto pulled = static_cast<double>(reader.LocalRecords().size());
  REQUIRE(pulled >= 3);

  // Every connection has ended and been counted.
  const auto after = Quiet(http);

  // Change-sets and changes: exactly what was sent.
  CHECK(Delta(before, after, "wardsync_changesets_accepted_total") == 4);
  CHECK(Delta(before, after, "wardsync_changesets_refused_total{reason=\"bad_signature\"}") == 1);
  CHECK(Delta(before, after, "wardsync_changes_rejected_total") == 1);
  CHECK(Delta(before, after, "wardsync_changesets_duplicate_total") == 0);
  // Pulled: what the reader now holds, sent by this server in its sync.
  CHECK(Delta(before_pull, after, "wardsync_records_pulled_total") == pulled);
  // Syncs: the client's (ok), the raw session cut off after a refusal
  // (refused), the raw rejected-content one, the reader's first and second
  // syncs; each is one observation of the duration histogram.
  CHECK(Delta(before, after, "wardsync_syncs_total{outcome=\"refused\"}") == 1);
  CHECK(Delta(before, after, "wardsync_syncs_total{outcome=\"ok\"}") >= 2);
  CHECK(SyncsTotal(after) - SyncsTotal(before) == 5);
  CHECK(Delta(before, after, "wardsync_sync_duration_seconds_count") == 5);
  CHECK(Delta(before, after, "wardsync_sync_received_bytes_total") > 0);
  CHECK(Delta(before, after, "wardsync_sync_sent_bytes_total") > 0);
  // The committer wrote them: groups and write latencies were observed, and nothing waits now.
  CHECK(Delta(before, after, "wardsync_committer_group_size_count") >= 3);
  CHECK(Delta(before, after, "wardsync_store_write_duration_seconds_count") >= 3);
  CHECK(after.at("wardsync_committer_queue_depth") == 0);
  // Devices by last contact: both were just here.
  CHECK(after.at("wardsync_devices{last_contact=\"under_15m\"}") == 2);
  CHECK(after.at("wardsync_devices{last_contact=\"over_24h\"}") == 0);

  // Two hours later (the server's clock), neither has been back.
  clock.Advance(120 * kMinute);
  auto later = Quiet(http);
  CHECK(later.at("wardsync_devices{last_contact=\"under_15m\"}") == 0);
  CHECK(later.at("wardsync_devices{last_contact=\"1h_to_24h\"}") == 2);
  // A revoked device is no longer expected to call: it leaves the gauge.
  auto revoked = server.Admin({"revoke", reader.device_id(), "--reason", "mất máy"});
  INFO(revoked.err);
  REQUIRE(revoked.exit_code == 0);
  later = http.Samples();
  CHECK(later.at("wardsync_devices{last_contact=\"1h_to_24h\"}") == 1);
}

TEST_CASE("/metrics answers only the addresses of --metrics-allow", "[integration][metrics]") {
  ServerFixture server;
  SECTION("the runtime's default (loopback) allows 127.0.0.0/8") {
    MetricsHttp http(server.runtime().metrics(), server.runtime().metrics_allow());
    auto a = http.Get("127.0.0.2");
    CHECK(a.status == 200);
    CHECK(a.body.find("wardsync_syncs_total") != std::string::npos);
  }
  SECTION("an allow list without the peer's address: 403 and no metrics") {
    auto allow = server::CidrAllowList::Parse({"127.0.0.1/32", "10.0.0.0/8"});
    REQUIRE(allow.ok());
    MetricsHttp http(server.runtime().metrics(), *allow);
    auto refused = http.Get("127.0.0.2");
    CHECK(refused.status == 403);
    CHECK(refused.body.find("wardsync_") == std::string::npos);
    CHECK(refused.body.find("--metrics-allow") != std::string::npos);
    // The same server still answers an allowed address.
    auto ok = http.Get("127.0.0.1");
    CHECK(ok.status == 200);
    CHECK(ok.body.find("# TYPE wardsync_sync_duration_seconds histogram") != std::string::npos);
  }
}

// Hidden from the main run: ctest runs it as `metrics-promtool` when
// promtool (Debian package prometheus) is installed.
TEST_CASE("promtool check metrics passes on the server's real /metrics", "[.][promtool]") {
  ServerFixture server;
  MetricsHttp http(server.runtime().metrics(), server.runtime().metrics_allow());
  DeviceFixture dev(server, kWard);
  dev.New("voter-meeting", VoterMeeting());
  dev.SyncOk();
  {
    // A refusal, so a labelled counter created on demand is in the text too.
    auto cs = changes_util::Sign(MakeBody(dev.device_id(), 2, "not the hash", {VoterMeetingCreate(kWard, 10, 5)}),
                                 dev.key());
    auto session = Connect(server, dev, 1);
    auto out = session->Push({cs});
    REQUIRE(out.ok());
    REQUIRE(out->error.has_value());
  }
  auto a = http.Get();
  REQUIRE(a.status == 200);
  REQUIRE(a.body.find("wardsync_changesets_refused_total{reason=") != std::string::npos);
  TempDir dir("promtool");
  const std::string file = dir.path() + "/metrics.txt";
  REQUIRE(util::WriteFileAtomic(file, a.body, 0644).ok());
  const char* env = std::getenv("WARDSYNC_PROMTOOL");
  const std::string promtool = env && *env ? env : "promtool";
  auto r = RunCommand("/bin/sh", {"-c", "exec \"$0\" check metrics < \"$1\"", promtool, file});
  INFO("promtool said: " << r.out << r.err << "\non:\n" << a.body);
  CHECK(r.exit_code == 0);
  CHECK(r.out + r.err == "");
}

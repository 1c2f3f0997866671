// Logs under hostile input (issue 10, item 5): the device id of a hello is
// only what an unauthenticated peer claims. A newline in it must not plant
// a fake log line, a huge one must not grow the log, and one source cannot
// flood the log: each line is one escaped, truncated line, and lines are
// rate-limited per source.
#include <catch2/catch.hpp>

#include <sstream>

#include "tests/integration/security/hostile_conn.h"
#include "tests/support/device_fixture.h"
#include "tests/support/server_fixture.h"

using namespace wardsync;
using namespace wardsync::test;
using namespace std::chrono_literals;

namespace {

const std::string kWard = "phuong-hoang-van-thu";

std::vector<std::string> Lines(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// A hello naming `device_id`, signed by a key the server does not know.
void HelloAs(ServerFixture& server, const std::string& ca, const std::string& device_id) {
  auto c = HostileConn::Tls(server.port(), {ca});
  REQUIRE(c.ok());
  auto key = crypto::PrivateKey::Generate();
  REQUIRE(key.ok());
  REQUIRE((*c)->SendHello(device_id, *key).ok());
  auto reply = (*c)->Read(5s);
  REQUIRE(reply.ok());
  CHECK(reply->has_error());
}

}  // namespace

TEST_CASE("log: a hello's device id with a newline or of 48 KiB is one escaped, truncated line",
          "[integration][security][log]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  auto cfg = dev.store().Config();
  REQUIRE(cfg.ok());
  const std::string ca = cfg->ca_pem();

  const std::string forged = "abc\x1b[2J\n2026-11-26T08:00:00.000Z sync device=0ce9400b59e87828 outcome=ok";
  // Just under the 64 KiB first-frame limit (a larger hello is refused
  // before it is read, tests/integration/security/flood_test.cc).
  const std::string huge(48 << 10, 'A');
  const std::string log = CaptureStderr([&] {
    HelloAs(server, ca, forged);
    HelloAs(server, ca, huge);
  });
  const auto lines = Lines(log);
  INFO(log.substr(0, 2000));
  REQUIRE(lines.size() == 2);  // one line per refusal, nothing planted
  CHECK(lines[0].find("refused device abc\\e[2J\\n2026-11-26T08:00:00.000Z sync device=") != std::string::npos);
  CHECK(lines[0].find("\\e[2J") != std::string::npos);
  CHECK(lines[0].find('\x1b') == std::string::npos);
  CHECK(lines[1].find("refused device AAAA") != std::string::npos);
  CHECK(lines[1].find("...(+") != std::string::npos);
  CHECK(lines[1].size() < 512);  // 48 KiB claimed, a short line logged
}

TEST_CASE("log: lines from one source are rate-limited, and the drop is said once", "[integration][security][log]") {
  ServerFixture server;
  DeviceFixture dev(server, kWard);
  auto cfg = dev.store().Config();
  REQUIRE(cfg.ok());
  const std::string ca = cfg->ca_pem();
  constexpr int kHellos = 60;  // the budget is 30 lines per 10 s per source
  const std::string log = CaptureStderr([&] {
    for (int i = 0; i < kHellos; ++i) HelloAs(server, ca, "nobody" + std::to_string(i));
  });
  size_t refused = 0;
  for (const auto& line : Lines(log)) refused += line.find("refused device nobody") != std::string::npos;
  CHECK(refused >= 1);
  CHECK(refused <= 30);
  // The honest device, another source once proven, is still served and logged.
  dev.New("voter-meeting", VoterMeeting(Candidate(0), 100, 60));
  const std::string after = CaptureStderr([&] { dev.SyncOk(); });
  CHECK(after.find("sync device=" + dev.device_id()) != std::string::npos);
}

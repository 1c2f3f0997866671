// `wardsync-server run --log-format json`: every line the server writes is
// one JSON object, with the fields of the text lines (the sync summary's
// device, ward, counts, outcome).
#include <catch2/catch.hpp>

#include <sstream>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;

namespace {
const std::string kWard = "phuong-hoang-van-thu";
}

TEST_CASE("run --log-format json writes one JSON object per line", "[e2e][log]") {
  ServerProcess server;
  server.Start({"--log-format", "json"});
  ClientProcess c(server, kWard);  // enrollment and the first sync (forms)
  c.NewMeeting();
  c.NewMeeting(200, 150, Candidate(5));
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  // The sync carrying the two change-sets.
  auto sync_line = server.process().WaitForStderrLine("\"in\":2,");
  REQUIRE(sync_line.has_value());
  // Stopped here, not by server.Stop(), which lets go of the process and its output.
  REQUIRE(server.process().Signal(15));
  REQUIRE(server.process().Wait(std::chrono::seconds(10)) == 0);
  const std::string err = server.process().err();
  INFO("server stderr:\n" << err);
  std::istringstream lines(err);
  std::string line;
  int n = 0, syncs = 0;
  bool listening = false, enrolled = false, stopped = false;
  while (std::getline(lines, line)) {
    INFO("line " << n << ": " << line);
    ++n;
    JsonValue v;
    REQUIRE_NOTHROW(v = ParseJson(line));
    REQUIRE(v.has_struct_value());
    CHECK(Str(At(v, "ts")).size() == 24);  // 2026-11-25T10:00:00.123Z
    const std::string msg = Str(At(v, "msg"));
    if (msg.rfind("wardsync-server listening on 127.0.0.1:", 0) == 0) {
      listening = true;
      CHECK(Str(At(v, "data")) == server.data());
    }
    if (msg.rfind("enrolled device ", 0) == 0) {
      enrolled = true;
      CHECK(Str(At(v, "ward")) == kWard);
      CHECK(Str(At(v, "role")) == "officer");
    }
    if (msg == "wardsync-server stopped") stopped = true;
    if (msg != "sync") continue;
    ++syncs;
    CHECK(Str(At(v, "ward")) == kWard);
    CHECK(Str(At(v, "device")).size() > 0);
    CHECK(Str(At(v, "outcome")) == "ok");
    for (const char* k : {"in", "out", "bytes_in", "bytes_out", "ms"}) CHECK(Num(At(v, k)) >= 0);
  }
  CHECK(listening);
  CHECK(enrolled);
  CHECK(stopped);
  CHECK(syncs >= 2);
}

TEST_CASE("run refuses a bad --log-format or --metrics-allow and starts nothing", "[e2e][log]") {
  ServerProcess server;
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"--log-format", "yaml"}, {"--metrics-allow", "10.0.0.0/33"}, {"--metrics-allow", "localhost"}}) {
    INFO(bad[0] << " " << bad[1]);
    auto r = server.Admin({"run", "--listen", "127.0.0.1:0", bad[0], bad[1]});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--" + bad[0].substr(2)) != std::string::npos);
    CHECK(r.err.find(bad[1]) != std::string::npos);
  }
}

// Revocation and hand-over with the real binaries (issue 9): `wardsync
// handover` writes a device's pending change-sets as one signed file,
// `wardsync-server import` applies it with the checks of a sync (running
// server or stopped), idempotently; a revoked device's bundle needs
// --accept-revoked and `history` names who imported it; `revoke --drain`
// lets a device push its backlog and then refuses it.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <set>

#include "tests/e2e/core/cli_fixture.h"
#include "tests/support/eventually.h"

using namespace wardsync;
using namespace wardsync::test;

namespace {

const std::string kWard = "phuong-tan-lap";

std::set<std::string> ServerIds(ServerProcess& server) {
  std::set<std::string> ids;
  const auto records = server.Records();  // Items() points into it
  for (const auto& r : Items(records)) ids.insert(Str(At(r, "id")));
  return ids;
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
}

}  // namespace

TEST_CASE("handover + import carry an offline officer's work; twice changes nothing; the next sync adds nothing",
          "[e2e][handover]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  const std::string device = Str(At(c.Json({"status"}), "device"));
  TempDir usb("usb");
  const std::string bundle = usb.Sub("ward.bundle");

  // Captured with no link at all.
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.insert(c.NewMeeting(100 + i, 60 + i, Candidate(i)));
  // Nothing pending yet for another device: `handover` with nothing to do writes nothing.
  auto h = c.Json({"handover", "--out", bundle});
  CHECK(Num(At(h, "change_sets")) == 3);
  CHECK(Num(At(h, "first_seq")) == 1);
  CHECK(Num(At(h, "last_seq")) == 3);
  struct stat st {};
  REQUIRE(::stat(bundle.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // The outbox is kept.
  CHECK(Num(At(c.Json({"status"}), "pending")) == 3);

  // Import while the server runs (forwarded over the control socket).
  auto imp = server.Admin({"import", bundle});
  INFO(imp.out << imp.err);
  REQUIRE(imp.exit_code == 0);
  CHECK(imp.out.find("imported 3 change-set(s)") != std::string::npos);
  CHECK(ServerIds(server) == ids);

  // Again: nothing changes, and it says so.
  const auto records_before = server.Admin({"records", "--json"}).out;
  auto again = server.Admin({"import", bundle, "--json"});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  auto aj = ParseJson(again.out);
  CHECK(Num(At(aj, "imported")) == 0);
  CHECK(Num(At(aj, "already_held")) == 3);
  CHECK(server.Admin({"records", "--json"}).out == records_before);
  auto again_text = server.Admin({"import", bundle});
  CHECK(again_text.out.find("nothing new") != std::string::npos);

  // History names who imported it and from which file.
  auto hist = server.Admin({"history", *ids.begin()});
  INFO(hist.out << hist.err);
  REQUIRE(hist.exit_code == 0);
  CHECK(hist.out.find("imported by ") != std::string::npos);
  CHECK(hist.out.find(bundle) != std::string::npos);

  // The device's next sync is acknowledged with nothing stored twice.
  auto sync = c.Run({"sync"});
  INFO(sync.err);
  REQUIRE(sync.exit_code == 0);
  CHECK(Num(At(c.Json({"status"}), "pending")) == 0);
  CHECK(ServerIds(server) == ids);
  auto devices = ParseJson(server.Admin({"devices", "--json"}).out);
  CHECK(Num(At(Items(devices)[0], "last_seq")) == 3);
  CHECK(server.Admin({"verify"}).exit_code == 0);
  // Nothing pending any more: handover writes no file.
  auto none = c.Run({"handover", "--out", usb.Sub("empty.bundle")});
  CHECK(none.exit_code == 0);
  CHECK(none.out.find("nothing to hand over") != std::string::npos);
  CHECK_FALSE(::stat(usb.Sub("empty.bundle").c_str(), &st) == 0);

  // Offline import (server stopped) of new work, a relative path, and --help.
  const std::string id4 = c.NewMeeting(77, 70, Candidate(5));
  REQUIRE(c.Run({"handover", "--out", bundle}).exit_code == 0);
  REQUIRE(server.Stop() == 0);
  auto offline = server.Admin({"import", bundle});
  INFO(offline.out << offline.err);
  CHECK(offline.exit_code == 0);
  CHECK(offline.out.find("imported 1 change-set(s)") != std::string::npos);
  CHECK(server.Admin({"import", "--help"}).exit_code == 0);
  CHECK(c.Run({"handover", "--help"}).exit_code == 0);
  server.Start();
  ids.insert(id4);
  CHECK(ServerIds(server) == ids);
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  CHECK(Num(At(c.Json({"status"}), "pending")) == 0);
  CHECK(server.Admin({"verify"}).exit_code == 0);
  CHECK(server.Stop() == 0);
}

TEST_CASE("import refuses bad files clearly and changes nothing", "[e2e][handover]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  TempDir usb("usb");
  c.NewMeeting();
  const std::string bundle = usb.Sub("b");
  REQUIRE(c.Run({"handover", "--out", bundle}).exit_code == 0);
  const std::string good = ReadAll(bundle);
  const auto before = server.Admin({"records", "--json"}).out;

  auto missing = server.Admin({"import", usb.Sub("nope")});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("cannot read") != std::string::npos);

  WriteAll(usb.Sub("junk"), "hello, this is not a bundle");
  auto junk = server.Admin({"import", usb.Sub("junk")});
  CHECK(junk.exit_code == 1);
  CHECK(junk.err.find("not a wardsync hand-over bundle") != std::string::npos);

  WriteAll(usb.Sub("short"), good.substr(0, good.size() - 10));
  auto truncated = server.Admin({"import", usb.Sub("short")});
  CHECK(truncated.exit_code == 1);
  CHECK(truncated.err.find("nothing imported") != std::string::npos);

  // One byte of the content changed: the bundle signature no longer verifies.
  std::string altered = good;
  const size_t at = altered.find("qh-dv1-tran-thi-lan");  // a candidate picked by NewMeeting
  REQUIRE(at != std::string::npos);
  altered[at] = 'X';
  WriteAll(usb.Sub("altered"), altered);
  auto bad_sig = server.Admin({"import", usb.Sub("altered")});
  INFO(bad_sig.err);
  CHECK(bad_sig.exit_code == 1);
  CHECK(bad_sig.err.find("signature does not verify") != std::string::npos);

  // A device this server never enrolled.
  ServerProcess other;
  other.Start();
  ClientProcess stranger(other, kWard);
  stranger.NewMeeting();
  REQUIRE(stranger.Run({"handover", "--out", usb.Sub("stranger")}).exit_code == 0);
  auto unknown = server.Admin({"import", usb.Sub("stranger")});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("does not know") != std::string::npos);

  CHECK(server.Admin({"import"}).exit_code == 2);
  CHECK(server.Admin({"records", "--json"}).out == before);
  CHECK(Items(server.Records()).size() == 0);
  CHECK(other.Stop() == 0);
  CHECK(server.Stop() == 0);
}

TEST_CASE("a revoked device's bundle needs --accept-revoked; history records it", "[e2e][handover]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  const std::string device = Str(At(c.Json({"status"}), "device"));
  c.NewMeeting(100, 90, Candidate(6));
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  const std::string id = c.NewMeeting(80, 70, Candidate(7));  // never sent
  REQUIRE(server.Admin({"revoke", device, "--reason", "máy được thay"}).exit_code == 0);

  // The officer is told what to do, not that nothing is lost.
  auto sync = c.Run({"sync"});
  INFO(sync.err);
  CHECK(sync.exit_code == 1);
  CHECK(sync.err.find("revoked") != std::string::npos);
  CHECK(sync.err.find("nothing is lost") == std::string::npos);
  CHECK(sync.err.find("wardsync handover --data " + c.data()) != std::string::npos);
  auto status = c.Run({"status"});
  CHECK(status.out.find("wardsync handover") != std::string::npos);

  TempDir usb("usb");
  const std::string bundle = usb.Sub("revoked.bundle");
  REQUIRE(c.Run({"handover", "--out", bundle}).exit_code == 0);
  auto refused = server.Admin({"import", bundle});
  INFO(refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("--accept-revoked") != std::string::npos);
  CHECK(Items(server.Records()).size() == 1);

  auto accepted = server.Admin({"import", "--accept-revoked", bundle});
  INFO(accepted.out << accepted.err);
  REQUIRE(accepted.exit_code == 0);
  CHECK(ServerIds(server).count(id) == 1);
  auto hist = ParseJson(server.Admin({"history", id, "--json"}).out);
  const auto change = Items(At(hist, "changes"))[0];
  CHECK(Bool(At(At(change, "imported"), "accepted_revoked")));
  CHECK(Str(At(At(change, "imported"), "file")) == bundle);
  CHECK_FALSE(Str(At(At(change, "imported"), "by")).empty());
  CHECK(server.Admin({"verify"}).exit_code == 0);
  // The device itself stays shut out.
  CHECK(c.Run({"sync"}).exit_code == 1);
  CHECK(server.Stop() == 0);
}

TEST_CASE("revoke --drain takes the device's backlog, then refuses it", "[e2e][handover]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  const std::string device = Str(At(c.Json({"status"}), "device"));
  std::set<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.insert(c.NewMeeting(100 + i, 50 + i, Candidate(i)));

  CHECK(server.Admin({"revoke", device, "--reason", "nghỉ việc", "--drain-hours", "5"}).exit_code == 2);
  auto r = server.Admin({"revoke", device, "--reason", "nghỉ việc", "--drain", "--drain-hours", "5"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("draining until") != std::string::npos);
  auto devices = ParseJson(server.Admin({"devices", "--json"}).out);
  auto dev = Items(devices)[0];
  CHECK(Bool(At(dev, "revoked")));
  CHECK(Bool(At(dev, "draining")));
  CHECK(server.Admin({"devices"}).out.find("DRAINING") != std::string::npos);

  // Its sync pushes the backlog (acknowledged), then it is told it is revoked.
  auto sync = c.Run({"sync"});
  INFO(sync.err);
  CHECK(sync.exit_code == 1);
  CHECK(sync.err.find("revoked") != std::string::npos);
  CHECK(Num(At(c.Json({"status"}), "pending")) == 0);
  CHECK(ServerIds(server) == ids);

  // Anything made later is refused: the drain is over.
  c.NewMeeting(10, 5, Candidate(8));
  auto later = c.Run({"sync"});
  INFO(later.err);
  CHECK(later.exit_code == 1);
  CHECK(later.err.find("revoked") != std::string::npos);
  CHECK(later.err.find("wardsync handover") != std::string::npos);
  CHECK(ServerIds(server) == ids);
  devices = ParseJson(server.Admin({"devices", "--json"}).out);
  dev = Items(devices)[0];
  CHECK_FALSE(Bool(At(dev, "draining")));
  CHECK(Num(At(dev, "drain_until_seq")) == 4);
  CHECK(Num(At(dev, "last_seq")) == 4);
  CHECK(server.Admin({"verify"}).exit_code == 0);
  CHECK(server.Stop() == 0);
}

TEST_CASE("handover works while the agent holds the data directory", "[e2e][handover]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  REQUIRE(server.Stop() == 0);  // no link: the agent can only back off
  const std::string id = c.NewMeeting();
  Process agent("wardsync", c.Args({"agent", "--interval-s", "3600"}));
  REQUIRE(agent.WaitForStderrLine("agent: running", std::chrono::milliseconds(20'000)));
  REQUIRE(Eventually([&] {
    auto s = c.Run({"status", "--json"});
    return s.exit_code == 0 && Bool(At(ParseJson(s.out), "agent_running"));
  }));
  TempDir usb("usb");
  const std::string bundle = usb.Sub("via-agent.bundle");
  auto h = c.Json({"handover", "--out", bundle});
  CHECK(Num(At(h, "change_sets")) == 1);
  struct stat st {};
  REQUIRE(::stat(bundle.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(agent.Signal(15));
  CHECK(agent.Wait().has_value());

  auto imp = server.Admin({"import", bundle});
  INFO(imp.out << imp.err);
  CHECK(imp.exit_code == 0);
  CHECK(ServerIds(server) == std::set<std::string>{id});
}

TEST_CASE("a bundle that carries an unacknowledged key rotation imports, signed by the key the server holds",
          "[e2e][handover]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, kWard);
  REQUIRE(server.Stop() == 0);
  c.NewMeeting();
  REQUIRE(c.Run({"rotate-key", "--no-sync"}).exit_code == 0);  // queued: the server still holds epoch 0
  c.NewMeeting(90, 60);                                          // signed with the key of epoch 1
  TempDir usb("usb");
  const std::string bundle = usb.Sub("rotated.bundle");
  auto h = c.Json({"handover", "--out", bundle});
  CHECK(Num(At(h, "change_sets")) == 3);
  CHECK(Num(At(h, "key_epoch")) == 0);

  auto imp = server.Admin({"import", bundle});  // server stopped: offline import
  INFO(imp.out << imp.err);
  REQUIRE(imp.exit_code == 0);
  CHECK(imp.out.find("imported 3 change-set(s)") != std::string::npos);
  server.Start();
  CHECK(Items(server.Records()).size() == 2);
  auto devices = ParseJson(server.Admin({"devices", "--json"}).out);
  CHECK(Num(At(Items(devices)[0], "key_epoch")) == 1);
  // The device learns the server holds it all, rotation included.
  REQUIRE(c.Run({"sync"}).exit_code == 0);
  auto status = c.Json({"status"});
  CHECK(Num(At(status, "pending")) == 0);
  CHECK_FALSE(Bool(At(status, "key_rotation_pending")));
  CHECK(server.Admin({"verify"}).exit_code == 0);
  CHECK(server.Stop() == 0);
}

// `wardsync-server backup` and `restore` with the real binaries: a backup
// taken while `run` serves and a device pushes, restored into a new
// directory that verifies, holds the same records and serves the same
// devices; damaged and truncated files and unfit directories refused.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/crypto/digest.h"
#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;
namespace fs = std::filesystem;

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

CommandResult Server(std::vector<std::string> args) { return RunCommand("wardsync-server", args); }

constexpr const char* kPhotoForm = R"({
  "id": "minutes-photo", "version": 1, "title": "Ảnh biên bản kiểm phiếu",
  "fields": [
    {"name": "area", "type": "TEXT", "label": "Khu vực bỏ phiếu", "required": true},
    {"name": "photo", "type": "ATTACHMENT", "label": "Ảnh biên bản", "mediaTypes": ["application/pdf"]}
  ]
})";

}  // namespace

TEST_CASE("a backup taken while the server serves restores into a directory that verifies and serves",
          "[e2e][backup]") {
  ServerProcess server;
  server.Start();
  TempDir dir("e2e-backup");
  WriteAll(dir.Sub("minutes-photo.json"), kPhotoForm);
  REQUIRE(server.Admin({"forms", "publish", dir.Sub("minutes-photo.json")}).exit_code == 0);
  ClientProcess a(server, "phuong-trung-vuong");
  ClientProcess b(server, "phuong-dong-quang", "officer", "Đặng Văn E");
  for (int i = 0; i < 5; ++i) a.NewMeeting(100 + i, 90);
  // An attachment: its bytes live in DIR/attachments, not in the store.
  const std::string pdf = "%PDF-1.4\n" + std::string(200'000, 'p');
  WriteAll(dir.Sub("kv1.pdf"), pdf);
  auto photo = a.Run({"new", "--form", "minutes-photo", "--set", "area=KV1", "--attach", "photo=" + dir.Sub("kv1.pdf")});
  INFO(photo.err);
  REQUIRE(photo.exit_code == 0);
  REQUIRE(a.Run({"sync"}).exit_code == 0);
  b.NewMeeting(70, 60);
  REQUIRE(b.Run({"sync"}).exit_code == 0);
  const std::string before = server.Admin({"records", "--json"}).out;

  // One more change-set of b is pushed while the backup is taken: the
  // snapshot holds it whole or not at all.
  b.NewMeeting(50, 40);
  const std::string file = dir.Sub("nightly.wsbackup");
  Process push("wardsync", b.Args({"sync"}));
  auto backup = server.Admin({"backup", "--out", file, "--json"});
  INFO(backup.err);
  REQUIRE(backup.exit_code == 0);
  REQUIRE(push.Wait(std::chrono::seconds(30)) == 0);
  const std::string after = server.Admin({"records", "--json"}).out;
  REQUIRE(before != after);
  JsonValue summary = ParseJson(backup.out);
  CHECK(Num(At(summary, "devices")) == 3);  // a, b and the server's own identity
  CHECK(Mode(file) == 0600);               // it holds the server's private key
  CHECK_FALSE(fs::exists(file + ".tmp"));

  const std::string restored = dir.Sub("restored");
  auto r = Server({"restore", "--from", file, "--data", restored});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Mode(restored) == 0700);
  CHECK(Mode(restored + "/server.key") == 0600);
  auto verify = Server({"verify", "--data", restored});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  CHECK_THAT(verify.out, Catch::Contains("verify: OK"));
  const std::string got = Server({"records", "--json", "--data", restored}).out;
  CHECK((got == before || got == after));
  CHECK(Items(ParseJson(got)).size() == Items(ParseJson(got == before ? before : after)).size());
  // The attachment came back with the directory, byte for byte.
  auto back = Server({"attachment", wardsync::crypto::Hex(wardsync::crypto::Sha256(pdf)), "--out", dir.Sub("back.pdf"),
                      "--data", restored});
  INFO(back.err);
  CHECK(back.exit_code == 0);
  CHECK(ReadAll(dir.Sub("back.pdf")) == pdf);

  // Runnable: the restored directory serves in the original's place, with
  // the same keys, and a device enrolled on the original syncs with it.
  server.Stop();
  Process run("wardsync-server", {"run", "--data", restored, "--listen", server.address()});
  REQUIRE(run.WaitForStderrLine("listening on ", std::chrono::seconds(20)).has_value());
  a.NewMeeting(130, 120);
  auto synced = a.Run({"sync"});
  INFO(synced.err);
  CHECK(synced.exit_code == 0);
  // Forwarded to the restored server over its control socket.
  CHECK(Items(ParseJson(Server({"records", "--json", "--data", restored}).out)).size() ==
        Items(ParseJson(got)).size() + 1);
  run.Signal(15);
  CHECK(run.Wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("restore refuses a truncated or damaged backup and an unfit directory, creating nothing",
          "[e2e][backup]") {
  ServerProcess server;  // not running: backup opens the directory itself
  TempDir dir("e2e-backup");
  const std::string file = dir.Sub("b.wsbackup");
  auto backup = server.Admin({"backup", "--out", file});
  INFO(backup.err);
  REQUIRE(backup.exit_code == 0);
  CHECK_THAT(backup.out, Catch::Contains("backup written to"));
  const std::string good = ReadAll(file);
  REQUIRE(good.size() > 200);

  SECTION("truncated") {
    WriteAll(dir.Sub("cut.wsbackup"), good.substr(0, good.size() - 100));
    auto r = Server({"restore", "--from", dir.Sub("cut.wsbackup"), "--data", dir.Sub("new")});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("truncated"));
    CHECK_FALSE(fs::exists(dir.Sub("new")));
  }
  SECTION("one byte flipped in the middle") {
    std::string bad = good;
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x01);
    WriteAll(dir.Sub("flip.wsbackup"), bad);
    auto r = Server({"restore", "--from", dir.Sub("flip.wsbackup"), "--data", dir.Sub("new")});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("SHA-256"));
    CHECK_FALSE(fs::exists(dir.Sub("new")));
  }
  SECTION("not a backup at all") {
    WriteAll(dir.Sub("junk"), std::string(4096, 'j'));
    auto r = Server({"restore", "--from", dir.Sub("junk"), "--data", dir.Sub("new")});
    CHECK(r.exit_code == 1);
    CHECK_FALSE(fs::exists(dir.Sub("new")));
  }
  SECTION("a non-empty directory") {
    fs::create_directories(dir.Sub("full"));
    WriteAll(dir.Sub("full/keep.txt"), "mine");
    auto r = Server({"restore", "--from", file, "--data", dir.Sub("full")});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("not empty"));
    CHECK(ReadAll(dir.Sub("full/keep.txt")) == "mine");
  }
  SECTION("an empty directory is used, and the good file restores") {
    fs::create_directories(dir.Sub("empty"));
    auto r = Server({"restore", "--from", file, "--data", dir.Sub("empty")});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(Server({"verify", "--data", dir.Sub("empty")}).exit_code == 0);
    CHECK(Server({"records", "--json", "--data", dir.Sub("empty")}).out ==
          server.Admin({"records", "--json"}).out);
  }
  SECTION("a backup inside the data directory it copies") {
    auto r = server.Admin({"backup", "--out", server.data() + "/self.wsbackup"});
    CHECK(r.exit_code == 2);
    CHECK_FALSE(fs::exists(server.data() + "/self.wsbackup"));
  }
  SECTION("--help of both commands") {
    auto h1 = Server({"backup", "--help"});
    CHECK(h1.exit_code == 0);
    CHECK_THAT(h1.out, Catch::Contains("backup --data DIR --out FILE"));
    auto h2 = Server({"restore", "--help"});
    CHECK(h2.exit_code == 0);
    CHECK_THAT(h2.out, Catch::Contains("restore --from FILE --data NEWDIR"));
    auto missing = Server({"restore", "--data", dir.Sub("new")});
    CHECK(missing.exit_code == 2);
  }
}

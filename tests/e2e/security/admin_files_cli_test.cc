// Administration under hostile files (issue 10, item 9), with the real
// binaries: `forms publish` reads only regular files of bounded size (a FIFO
// returns an error at once instead of holding the control worker, so
// `revoke` still works; /dev/zero is refused), and `init` neither takes over
// a non-empty directory nor follows a symbolic link.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync;
using namespace wardsync::test;
using namespace std::chrono_literals;

TEST_CASE("forms publish: a FIFO returns an error at once and revoke still works; /dev/zero is refused",
          "[e2e][security][admin]") {
  ServerProcess server;
  server.Start();
  ClientProcess c(server, "phuong-trung-vuong");
  TempDir dir("e2e-files");
  const std::string fifo = dir.Sub("form.json");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);

  const auto t0 = std::chrono::steady_clock::now();
  auto r = RunCommand("wardsync-server", {"forms", "publish", "--data", server.data(), fifo}, 20s);
  const auto took = std::chrono::steady_clock::now() - t0;
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("not a regular file (a FIFO)") != std::string::npos);
  CHECK(took < 10s);

  const std::string id = Str(At(c.Json({"status"}), "device"));
  auto revoked = server.Admin({"revoke", id, "--reason", "lost"});
  INFO(revoked.err);
  CHECK(revoked.exit_code == 0);

  auto zero = server.Admin({"forms", "publish", "/dev/zero"});
  CHECK(zero.exit_code == 1);
  CHECK(zero.err.find("not a regular file (a device)") != std::string::npos);

  // A file over the size limit, and a symbolic link, are refused too.
  const std::string big = dir.Sub("big.json");
  {
    std::ofstream f(big);
    f << std::string((4 << 20) + 1, ' ');
  }
  auto large = server.Admin({"forms", "publish", big});
  CHECK(large.exit_code == 1);
  CHECK(large.err.find("allowed") != std::string::npos);
  const std::string link = dir.Sub("link.json");
  std::filesystem::create_symlink(WARDSYNC_SOURCE_DIR "/forms/election/complaint.json", link);
  auto linked = server.Admin({"forms", "publish", link});
  CHECK(linked.exit_code == 1);
  CHECK(linked.err.find("symbolic link") != std::string::npos);
  CHECK(server.Stop() == 0);
}

TEST_CASE("init refuses a non-empty directory and a symbolic link, and changes neither", "[e2e][security][admin]") {
  TempDir dir("e2e-init");
  const std::string full = dir.Sub("full");
  std::filesystem::create_directory(full);
  ::chmod(full.c_str(), 0755);
  { std::ofstream(full + "/notes.txt") << "someone's files"; }
  auto r = RunCommand("wardsync-server", {"init", "--data", full}, 20s);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("not empty") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat(full.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);  // not made 0700
  CHECK(std::distance(std::filesystem::directory_iterator(full), std::filesystem::directory_iterator()) == 1);

  const std::string target = dir.Sub("elsewhere");
  std::filesystem::create_directory(target);
  ::chmod(target.c_str(), 0755);
  const std::string link = dir.Sub("link");
  std::filesystem::create_directory_symlink(target, link);
  r = RunCommand("wardsync-server", {"init", "--data", link}, 20s);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("symbolic link") != std::string::npos);
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);
  CHECK(std::filesystem::is_empty(target));

  // An empty directory, or a new one, is fine.
  const std::string empty = dir.Sub("empty");
  std::filesystem::create_directory(empty);
  CHECK(RunCommand("wardsync-server", {"init", "--data", empty}, 60s).exit_code == 0);
  REQUIRE(::stat(empty.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
}

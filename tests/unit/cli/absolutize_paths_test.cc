// Forwarded commands run in another process (the server or the agent), so
// their file arguments are made absolute first (common/cli/args.h).
#include <catch2/catch.hpp>

#include <filesystem>

#include "common/cli/args.h"
#include "server/admin/command.h"

using wardsync::cli::AbsolutizePaths;
using wardsync::cli::ArgSpec;

TEST_CASE("AbsolutizePaths makes only the named file arguments absolute", "[unit][cli]") {
  const std::string cwd = std::filesystem::current_path().string();
  const ArgSpec spec{{"data", "out", "reason"}, {"json", "accept-revoked"}};

  auto a = AbsolutizePaths({"--data", "d", "--out", "b.bundle", "--json", "--reason", "x y"}, spec, {"out"}, false);
  CHECK(a == std::vector<std::string>{"--data", "d", "--out", cwd + "/b.bundle", "--json", "--reason", "x y"});

  auto b = AbsolutizePaths({"--out=sub/b", "--data=d"}, spec, {"out"}, false);
  CHECK(b == std::vector<std::string>{"--out=" + cwd + "/sub/b", "--data=d"});

  // Positionals (import FILE), but never an option's value or a flag.
  auto c = AbsolutizePaths({"--accept-revoked", "f.bundle", "--data", "d", "/abs/f"}, spec, {}, true);
  CHECK(c == std::vector<std::string>{"--accept-revoked", cwd + "/f.bundle", "--data", "d", "/abs/f"});

  // After "--" everything is positional.
  auto d = AbsolutizePaths({"--", "--odd-name"}, spec, {}, true);
  CHECK(d == std::vector<std::string>{"--", cwd + "/--odd-name"});
}

TEST_CASE("AbsolutizePaths makes only the FILE of --attach FIELD=FILE absolute", "[unit][cli]") {
  const std::string cwd = std::filesystem::current_path().string();
  const ArgSpec spec{{"data", "attach", "set"}, {}};
  auto a = AbsolutizePaths({"--attach", "photo=scan/bien ban.jpg", "--set", "area=x=y", "--attach=pdf=/abs/a.pdf"}, spec,
                           {"attach="}, false);
  CHECK(a == std::vector<std::string>{"--attach", "photo=" + cwd + "/scan/bien ban.jpg", "--set", "area=x=y",
                                      "--attach=pdf=/abs/a.pdf"});
  // A value without '=' is left for the command to refuse.
  auto b = AbsolutizePaths({"--attach", "photo.jpg"}, spec, {"attach="}, false);
  CHECK(b == std::vector<std::string>{"--attach", "photo.jpg"});
}

TEST_CASE("admin commands that read files name them for absolutizing when forwarded", "[unit][cli]") {
  // A running server has another working directory: `forms publish forms/election`
  // typed in the source tree must reach it as an absolute path.
  const std::string cwd = std::filesystem::current_path().string();
  for (const auto& words : std::vector<std::vector<std::string>>{{"forms", "publish"}, {"choices", "publish"}, {"import"}}) {
    size_t consumed = 0;
    const auto* cmd = wardsync::server::FindAdminCommand(words, &consumed);
    REQUIRE(cmd != nullptr);
    INFO(cmd->name);
    CHECK(cmd->path_positionals);
    auto forwarded = AbsolutizePaths({"--data", "d", "pack/dir", "/abs/x.json"}, cmd->spec, cmd->path_options,
                                     cmd->path_positionals);
    CHECK(forwarded == std::vector<std::string>{"--data", "d", cwd + "/pack/dir", "/abs/x.json"});
  }
}

TEST_CASE("admin commands that write a file name --out for absolutizing when forwarded", "[unit][cli]") {
  // `export --out report.csv` typed in a home directory must not land in the
  // running server's working directory.
  const std::string cwd = std::filesystem::current_path().string();
  for (const auto& words : std::vector<std::vector<std::string>>{{"export"}, {"attachment"}, {"backup"}}) {
    size_t consumed = 0;
    const auto* cmd = wardsync::server::FindAdminCommand(words, &consumed);
    REQUIRE(cmd != nullptr);
    INFO(cmd->name);
    auto forwarded = AbsolutizePaths({"--data", "d", "--out", "out.file"}, cmd->spec, cmd->path_options,
                                     cmd->path_positionals);
    CHECK(forwarded == std::vector<std::string>{"--data", "d", "--out", cwd + "/out.file"});
  }
}

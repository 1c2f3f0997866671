// The committee CA kept offline (server/ca/, README "The committee CA
// offline"), through the real binaries: `ca init` in one directory (the
// offline machine), `init --ca-cert` in another (the server), the request
// signed offline and installed, and then the ordinary day: a device
// enrolls and syncs. The CA's private key is nowhere in the server's data
// directory. A renewal (cert request, sign, install, restart) keeps the
// device syncing without anything from it; revocation works as always.
#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crypto/ed25519.h"
#include "tests/e2e/core/cli_fixture.h"

using namespace wardsync::test;
namespace fs = std::filesystem;

namespace {

const std::string kWard = "phuong-trung-vuong";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<int>(st.st_mode & 0777);
}

// The 64-hex "server key: SHA-256 ..." both sides print for the officer to compare.
std::string KeyLine(const std::string& text) {
  auto at = text.find("server key: SHA-256 ");
  REQUIRE(at != std::string::npos);
  return text.substr(at + 20, 64);
}

CommandResult Server(std::vector<std::string> args) { return RunCommand("wardsync-server", args); }

bool OnServer(ServerProcess& server, const std::string& id) {
  const JsonValue records = server.Records();
  for (const auto& r : Items(records)) {
    if (Str(At(r, "id")) == id) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("offline CA: the server is set up without the CA key, devices enroll and sync", "[e2e][offline-ca]") {
  TempDir offline("offline-ca");
  const std::string ca_dir = offline.Sub("ca");
  auto made = Server({"ca", "init", "--out", ca_dir, "--committee", "Ủy ban bầu cử thành phố Thái Nguyên"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  CHECK(ModeOf(ca_dir) == 0700);
  CHECK(ModeOf(ca_dir + "/ca.key") == 0600);
  CHECK(made.out.find("SHA-256 ") != std::string::npos);
  // A second `ca init` over it changes nothing.
  const std::string key_pem = Slurp(ca_dir + "/ca.key");
  CHECK(Server({"ca", "init", "--out", ca_dir}).exit_code == 1);
  CHECK(Slurp(ca_dir + "/ca.key") == key_pem);

  std::string init_out;
  ServerProcess server([&](const std::string& data) {
    auto r = Server({"init", "--data", data, "--ca-cert", ca_dir + "/ca.pem", "--forms",
                     WARDSYNC_SOURCE_DIR "/forms/election"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    init_out = r.out;
  });
  const std::string data = server.data();
  CHECK(fs::exists(data + "/server.csr"));
  CHECK_FALSE(fs::exists(data + "/server.pem"));
  CHECK_FALSE(fs::exists(data + "/ca.key"));
  CHECK(Slurp(data + "/ca.pem") == Slurp(ca_dir + "/ca.pem"));

  // Not servable before the certificate is installed, and it says why.
  auto early = Server({"run", "--data", data, "--listen", "127.0.0.1:0"});
  CHECK(early.exit_code == 1);
  CHECK(early.err.find("waits for its server certificate") != std::string::npos);

  // The offline machine signs; both sides print the same server key.
  const std::string cert = offline.Sub("server.pem");
  auto signed_ = Server({"ca", "sign-server", "--ca", ca_dir, "--csr", data + "/server.csr", "--out", cert});
  INFO(signed_.err);
  REQUIRE(signed_.exit_code == 0);
  CHECK(KeyLine(signed_.out) == KeyLine(init_out));
  CHECK(signed_.out.find("localhost 127.0.0.1") != std::string::npos);

  // A certificate from another CA is refused and nothing changes.
  const std::string other_ca = offline.Sub("other-ca");
  REQUIRE(Server({"ca", "init", "--out", other_ca}).exit_code == 0);
  const std::string foreign = offline.Sub("foreign.pem");
  REQUIRE(Server({"ca", "sign-server", "--ca", other_ca, "--csr", data + "/server.csr", "--out", foreign}).exit_code ==
          0);
  auto refused = Server({"cert", "install", "--data", data, "--cert", foreign});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("does not verify against this server's committee CA") != std::string::npos);
  CHECK_FALSE(fs::exists(data + "/server.pem"));
  CHECK(fs::exists(data + "/server.csr"));

  auto installed = Server({"cert", "install", "--data", data, "--cert", cert});
  INFO(installed.err);
  REQUIRE(installed.exit_code == 0);
  CHECK(installed.out.find("valid until ") != std::string::npos);
  CHECK(fs::exists(data + "/server.pem"));
  CHECK_FALSE(fs::exists(data + "/server.csr"));

  // The root key is in no file of the data directory: neither its PEM nor
  // its raw 32-byte secret (in the store, a log, anything).
  auto ca_key = wardsync::crypto::PrivateKey::LoadPemFile(ca_dir + "/ca.key");
  REQUIRE(ca_key.ok());
  unsigned char raw[32];
  size_t raw_len = sizeof(raw);
  REQUIRE(EVP_PKEY_get_raw_private_key(ca_key->get(), raw, &raw_len) == 1);
  const std::string secret(reinterpret_cast<char*>(raw), raw_len);
  // The PEM's base64 past the PKCS#8 header every Ed25519 key shares (the
  // first 18 bytes = 24 characters): the secret's own characters.
  const std::string pem_body = key_pem.substr(key_pem.find('\n') + 1 + 24, 40);
  auto scan = [&] {
    int files = 0;
    for (const auto& e : fs::recursive_directory_iterator(data)) {
      if (!e.is_regular_file()) continue;
      ++files;
      const std::string bytes = Slurp(e.path());
      INFO(e.path());
      CHECK(bytes.find(secret) == std::string::npos);
      CHECK(bytes.find(pem_body) == std::string::npos);
    }
    CHECK(files > 5);  // the store's files were looked at too
  };
  scan();

  // The ordinary day: enroll, capture, sync, seen on the server.
  server.Start();
  ClientProcess device(server, kWard, "officer", "Nguyễn Văn An");
  const std::string id = device.NewMeeting();
  auto synced = device.Json({"sync"});
  CHECK(Num(At(synced, "pushed")) == 1);
  CHECK(OnServer(server, id));

  // Renewal: a new request for the same key and names, signed offline,
  // installed, and the server restarted; the device syncs on, unchanged.
  auto requested = server.Admin({"cert", "request"});
  INFO(requested.err);
  REQUIRE(requested.exit_code == 0);
  CHECK(KeyLine(requested.out) == KeyLine(init_out));
  const std::string renewed = offline.Sub("renewed.pem");
  REQUIRE(Server({"ca", "sign-server", "--ca", ca_dir, "--csr", data + "/server.csr", "--out", renewed, "--days",
                  "30"})
              .exit_code == 0);
  REQUIRE(server.Admin({"cert", "install", "--cert", renewed}).exit_code == 0);
  CHECK(Slurp(data + "/server.pem") == Slurp(renewed));
  CHECK(server.Stop() == 0);
  server.Start();
  const std::string id2 = device.NewMeeting(80, 60);
  CHECK(Num(At(device.Json({"sync"}), "pushed")) == 1);
  CHECK(OnServer(server, id2));

  // Revocation works as with a one-step server.
  const std::string device_id = Str(At(device.Json({"status"}), "device"));
  REQUIRE(server.Admin({"revoke", device_id, "--reason", "máy bị mất"}).exit_code == 0);
  device.NewMeeting(70, 50);
  auto refused_sync = device.Run({"sync"});
  CHECK(refused_sync.exit_code != 0);
  CHECK(refused_sync.err.find("revoked") != std::string::npos);
  scan();
}

TEST_CASE("offline CA commands refuse bad input and change nothing", "[e2e][offline-ca]") {
  TempDir t("offline-ca-bad");
  const std::string ca_dir = t.Sub("ca");
  // Usage errors: exit 2 with the usage line.
  auto no_out = Server({"ca", "init"});
  CHECK(no_out.exit_code == 2);
  CHECK(no_out.err.find("usage: wardsync-server ca init") != std::string::npos);
  CHECK(Server({"ca", "init", "--out", ca_dir, "--days", "0"}).exit_code == 2);
  CHECK(Server({"ca", "frobnicate"}).exit_code == 2);
  CHECK_FALSE(fs::exists(ca_dir));
  auto help = Server({"ca", "sign-server", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--csr FILE") != std::string::npos);
  REQUIRE(Server({"ca", "init", "--out", ca_dir}).exit_code == 0);

  // init --ca-cert with something that is not a CA certificate: nothing made.
  const std::string data = t.Sub("srv");
  std::ofstream(t.Sub("junk.pem")) << "not a certificate\n";
  auto junk = Server({"init", "--data", data, "--ca-cert", t.Sub("junk.pem")});
  CHECK(junk.exit_code == 1);
  CHECK(junk.err.find("not a PEM certificate") != std::string::npos);
  CHECK_FALSE(fs::exists(data));
  CHECK(Server({"init", "--data", data, "--ca-cert", ca_dir + "/ca.pem", "--committee", "X"}).exit_code == 2);
  CHECK_FALSE(fs::exists(data));

  REQUIRE(Server({"init", "--data", data, "--ca-cert", ca_dir + "/ca.pem"}).exit_code == 0);
  // A request altered on the way does not verify and is not signed.
  std::string csr = Slurp(data + "/server.csr");
  const size_t mid = csr.find('\n', csr.size() / 2) - 3;
  csr[mid] = csr[mid] == 'A' ? 'B' : 'A';
  std::ofstream(t.Sub("altered.csr")) << csr;
  auto altered = Server({"ca", "sign-server", "--ca", ca_dir, "--csr", t.Sub("altered.csr"), "--out", t.Sub("x.pem")});
  CHECK(altered.exit_code == 1);
  CHECK_FALSE(fs::exists(t.Sub("x.pem")));
  // A CA key others can read is refused.
  REQUIRE(::chmod((ca_dir + "/ca.key").c_str(), 0644) == 0);
  auto loose = Server({"ca", "sign-server", "--ca", ca_dir, "--csr", data + "/server.csr", "--out", t.Sub("x.pem")});
  CHECK(loose.exit_code == 1);
  CHECK(loose.err.find("can be read by others") != std::string::npos);
  CHECK_FALSE(fs::exists(t.Sub("x.pem")));
  // Not a CA directory.
  auto not_ca = Server({"ca", "sign-server", "--ca", data, "--csr", data + "/server.csr", "--out", t.Sub("x.pem")});
  CHECK(not_ca.exit_code == 1);
  CHECK(not_ca.err.find("is not a CA directory") != std::string::npos);
  // A certificate request file that is not one.
  REQUIRE(::chmod((ca_dir + "/ca.key").c_str(), 0600) == 0);
  auto bad_csr = Server({"ca", "sign-server", "--ca", ca_dir, "--csr", t.Sub("junk.pem"), "--out", t.Sub("x.pem")});
  CHECK(bad_csr.exit_code == 1);
  CHECK(bad_csr.err.find("not a PEM certificate request") != std::string::npos);
  // cert request without a certificate to take names from needs --host.
  auto no_names = Server({"cert", "request", "--data", data, "--out", t.Sub("r.csr")});
  CHECK(no_names.exit_code == 1);
  CHECK(no_names.err.find("--host") != std::string::npos);
  CHECK(Server({"cert", "request", "--data", data, "--out", t.Sub("r.csr"), "--host", "bad host"}).exit_code == 1);
  CHECK_FALSE(fs::exists(t.Sub("r.csr")));
}

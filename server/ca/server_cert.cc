#include "server/ca/server_cert.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/crypto/cert_check.h"
#include "common/crypto/cert_request.h"
#include "common/crypto/digest.h"
#include "common/util/files.h"
#include "server/runtime/server_runtime.h"

namespace wardsync::server {

Status RequestServerCertificate(const ServerPaths& paths, std::vector<std::string> hosts, std::string out_file,
                                std::ostream& out) {
  auto key = LoadServerKey(paths);
  if (!key.ok()) return key.status();
  if (hosts.empty()) {
    std::string current;
    if (!util::ReadFile(paths.server_cert(), &current).ok()) {
      return Status::Invalid("no server certificate to take the names from; give them with --host NAME");
    }
    auto names = crypto::CertificateHostNames(current);
    if (!names.ok()) return Status::Invalid(paths.server_cert() + ": " + names.status().message());
    hosts = std::move(names).value();
  }
  auto csr = crypto::MakeServerCertificateRequest(*key, hosts);
  if (!csr.ok()) return csr.status();
  if (out_file.empty()) out_file = paths.server_csr();
  WS_RETURN_IF_ERROR(util::WriteFileAtomic(out_file, *csr, 0644));
  out << "wrote " << out_file << " for:";
  for (const auto& h : hosts) out << " " << h;
  out << "\n  server key: SHA-256 " << crypto::Hex(crypto::Sha256(key->PublicKeyRaw())) << "\n"
      << "sign it on the offline CA machine: wardsync-server ca sign-server --ca CADIR --csr server.csr --out server.pem\n";
  return Status::Ok();
}

Status InstallServerCertificate(const ServerPaths& paths, const std::string& cert_file, std::ostream& out) {
  auto key = LoadServerKey(paths);
  if (!key.ok()) return key.status();
  std::string cert_pem, ca_pem;
  WS_RETURN_IF_ERROR(util::ReadRegularFile(cert_file, 64 << 10, &cert_pem));
  WS_RETURN_IF_ERROR(util::ReadFile(paths.ca_cert(), &ca_pem));
  auto facts = crypto::CheckServerCertificate(cert_pem, ca_pem, *key);
  if (!facts.ok()) return Status::Invalid(cert_file + ": " + facts.status().message());
  const bool renewal = util::Exists(paths.server_cert());
  WS_RETURN_IF_ERROR(util::WriteFileAtomic(paths.server_cert(), cert_pem, 0644));
  if (::unlink(paths.server_csr().c_str()) != 0 && errno != ENOENT) {
    out << "note: cannot remove " << paths.server_csr() << ": " << std::strerror(errno) << "\n";
  }
  out << "installed " << paths.server_cert() << " for:";
  for (const auto& h : facts->hosts) out << " " << h;
  out << " (valid until " << facts->not_after << ")\n";
  if (renewal) out << "a running server keeps its old certificate until it is restarted (systemctl restart wardsync-server)\n";
  return Status::Ok();
}

}  // namespace wardsync::server

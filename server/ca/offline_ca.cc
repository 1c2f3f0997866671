#include "server/ca/offline_ca.h"

#include "common/crypto/cert_request.h"
#include "common/crypto/digest.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/pki.h"
#include "common/util/files.h"
#include "server/cli/new_private_dir.h"

namespace wardsync::server {
namespace {

constexpr size_t kMaxPemBytes = 64 << 10;  // a request or a certificate is a few hundred bytes

}  // namespace

Status CreateOfflineCa(const CaInitOptions& options, std::ostream& out) {
  CaPaths paths(options.dir);
  WS_RETURN_IF_ERROR(CheckNewPrivateDir(options.dir));
  auto key = crypto::PrivateKey::Generate();
  if (!key.ok()) return Status::Internal("key generation failed");
  auto pem = crypto::MakeCaCertificate(*key, options.committee + " CA", options.days);
  if (!pem.ok()) return pem.status();
  WS_RETURN_IF_ERROR(MakePrivateDir(options.dir));
  WS_RETURN_IF_ERROR(key->SavePemFile(paths.key()));
  WS_RETURN_IF_ERROR(util::WriteFileAtomic(paths.cert(), *pem, 0644));
  auto fp = crypto::CertificateFingerprint(*pem);
  out << "created the committee CA in " << options.dir << " (valid " << options.days << " days)\n"
      << "  " << paths.key() << "  the master key: keep it on this machine and its backups only\n"
      << "  " << paths.cert() << "  SHA-256 " << (fp.ok() ? crypto::Hex(*fp) : "?") << "\n"
      << "copy ca.pem (only) to the server: wardsync-server init --data DIR --ca-cert ca.pem ...\n";
  return Status::Ok();
}

Status SignServerRequest(const SignServerOptions& options, std::ostream& out) {
  CaPaths paths(options.ca_dir);
  if (!util::Exists(paths.key()) || !util::Exists(paths.cert())) {
    return Status::NotFound(options.ca_dir + " is not a CA directory (no ca.key and ca.pem; make one with "
                            "wardsync-server ca init --out DIR)");
  }
  auto ca_key = crypto::PrivateKey::LoadPemFile(paths.key());
  if (!ca_key.ok()) return ca_key.status();
  std::string ca_pem, csr_pem;
  WS_RETURN_IF_ERROR(util::ReadFile(paths.cert(), &ca_pem));
  WS_RETURN_IF_ERROR(util::ReadRegularFile(options.csr_file, kMaxPemBytes, &csr_pem));
  auto request = crypto::ReadServerCertificateRequest(csr_pem);
  if (!request.ok()) return Status::Invalid(options.csr_file + ": " + request.status().message());
  auto cert = crypto::SignServerCertificateRequest(*ca_key, ca_pem, csr_pem, options.days);
  if (!cert.ok()) return cert.status();
  WS_RETURN_IF_ERROR(util::WriteFileAtomic(options.out_file, *cert, 0644));
  out << "signed " << options.out_file << " (valid " << options.days << " days) for:";
  for (const auto& h : request->hosts) out << " " << h;
  out << "\n  server key: SHA-256 " << crypto::Hex(crypto::Sha256(request->public_key_raw))
      << " (the same as `init` or `cert request` printed on the server)\n"
      << "install it there: wardsync-server cert install --data DIR --cert " << options.out_file << "\n";
  return Status::Ok();
}

}  // namespace wardsync::server

#include "common/bundle/bundle.h"

#include "common/changes/changeset.h"

namespace wardsync::bundle_util {

std::string Encode(const wardsync::bundle::BundleBody& body, const crypto::PrivateKey& key) {
  wardsync::bundle::Bundle b;
  b.set_body(body.SerializeAsString());
  b.set_signature(key.Sign(crypto::kBundleContext, b.body()));
  std::string out(kBundleMagic);
  out += b.SerializeAsString();
  return out;
}

Result<Decoded> Decode(std::string_view file) {
  if (file.substr(0, kBundleMagic.size()) != kBundleMagic) {
    return Status::Invalid("not a wardsync hand-over bundle (it does not start with \"wardsync-bundle-v1\")");
  }
  file.remove_prefix(kBundleMagic.size());
  Decoded d;
  if (!d.bundle.ParseFromArray(file.data(), static_cast<int>(file.size()))) {
    return Status::Invalid("the bundle is damaged or truncated (it does not parse)");
  }
  if (d.bundle.signature().size() != 64) return Status::Invalid("the bundle has no signature");
  if (!d.body.ParseFromString(d.bundle.body())) return Status::Invalid("the bundle's content does not parse");
  if (d.body.format() != 1) {
    return Status::Invalid("unsupported bundle format " + std::to_string(d.body.format()) + " (this server reads 1)");
  }
  if (d.body.device_id().empty()) return Status::Invalid("the bundle names no device");
  // Shape only: the server checks the chain, signatures and content as for a sync.
  uint64_t expect = 0;
  for (const auto& cs : d.body.change_sets()) {
    wardsync::changes::ChangeSetBody body;
    if (!changes_util::ParseBody(cs, &body).ok()) {
      return Status::Invalid("a change-set in the bundle does not parse");
    }
    if (body.device_id() != d.body.device_id()) {
      return Status::Invalid("the bundle of device " + d.body.device_id() + " carries a change-set of device " +
                             body.device_id());
    }
    if (expect != 0 && body.seq() != expect) {
      return Status::Invalid("the bundle's change-sets are not consecutive (expected seq " + std::to_string(expect) +
                             ", found " + std::to_string(body.seq()) + ")");
    }
    expect = body.seq() + 1;
  }
  return d;
}

bool VerifySignature(const wardsync::bundle::Bundle& bundle, std::string_view public_key_raw) {
  return crypto::Verify(public_key_raw, crypto::kBundleContext, bundle.body(), bundle.signature());
}

}  // namespace wardsync::bundle_util

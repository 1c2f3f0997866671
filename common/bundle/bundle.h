// Hand-over bundles (proto/bundle.proto; PROTOCOL.md, "Hand-over bundles"):
// a device's pending change-sets in one signed file. Written by
// `wardsync handover`, read by `wardsync-server import`.
//
//   file      = kBundleMagic || serialized Bundle
//   signature = Ed25519(device key of body.key_epoch, "wardsync-bundle-v1\0" || body bytes)
//
// The bundle signature says "this device wrote this file"; it does not
// replace the change-sets' own signatures and chain, which the server checks
// exactly as for a sync.
#pragma once
#include <string>
#include <string_view>

#include "common/crypto/ed25519.h"
#include "common/status.h"
#include "proto/bundle.pb.h"

namespace wardsync::bundle_util {

inline constexpr std::string_view kBundleMagic = "wardsync-bundle-v1\n";

// The file bytes for `body`, signed by `key`.
std::string Encode(const wardsync::bundle::BundleBody& body, const crypto::PrivateKey& key);

struct Decoded {
  wardsync::bundle::Bundle bundle;    // as read (signature over bundle.body())
  wardsync::bundle::BundleBody body;  // parsed from bundle.body()
};

// Parses file bytes; a clear error for anything that is not a well-formed
// format-1 bundle (wrong magic, truncated, not a bundle, a change-set body
// that does not parse, change-sets not consecutive or of another device).
// Does not check signatures.
Result<Decoded> Decode(std::string_view file);

bool VerifySignature(const wardsync::bundle::Bundle& bundle, std::string_view public_key_raw);

}  // namespace wardsync::bundle_util

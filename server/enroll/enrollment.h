// One-time enrollment codes: made by an administrator for one ward and one
// role, redeemed once by a device that proves it holds its new key.
// Only SHA-256(secret) is stored, so a copy of the store does not leak codes.
#pragma once
#include <string>
#include <vector>

#include "common/status.h"
#include "proto/store.pb.h"
#include "server/server_context.h"

namespace wardsync::server {

struct NewCode {
  std::string secret;   // 16 random bytes, goes into the printed code
  wardsync::store::EnrollCode code;
};

// Checks ward (against the published ward list, if any) and role; stores the code durably.
Result<NewCode> CreateEnrollCode(ServerContext& ctx, const std::string& ward, const std::string& role,
                                 uint64_t ttl_ms);

// A stored code as `codes list` shows it: id = the first 16 hex digits of
// SHA-256(secret) (the store key), never the secret itself.
struct StoredCode {
  std::string id;
  std::string hash_hex;   // the whole key suffix
  wardsync::store::EnrollCode code;
  // "unused" | "used" | "expired" | "cancelled" at `now_ms`.
  std::string State(uint64_t now_ms) const;
};
inline constexpr size_t kCodeIdDigits = 16;

// Every stored code, oldest first; with `unused_only` only those a device
// could still redeem.
Result<std::vector<StoredCode>> ListEnrollCodes(ServerContext& ctx, bool unused_only);

// Cancels the unused code whose id starts with `id_prefix` (8 hex digits at
// least, and only one code may match); durable when ok. Refuses used,
// expired and already cancelled codes, writing nothing.
Result<StoredCode> CancelEnrollCode(ServerContext& ctx, const std::string& id_prefix, const std::string& by);

// Redeems a code for `public_key`: refuses unknown, used and expired codes
// and a key already enrolled; creates the device and marks the code used in
// one durable write.
Result<wardsync::store::Device> RedeemEnrollCode(ServerContext& ctx, const std::string& secret,
                                                 const std::string& public_key, const std::string& label);

}  // namespace wardsync::server

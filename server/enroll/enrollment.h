// One-time enrollment codes: made by an administrator for one ward and one
// role, redeemed once by a device that proves it holds its new key.
// Only SHA-256(secret) is stored, so a copy of the store does not leak codes.
#pragma once
#include <string>

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

// Redeems a code for `public_key`: refuses unknown, used and expired codes
// and a key already enrolled; creates the device and marks the code used in
// one durable write.
Result<wardsync::store::Device> RedeemEnrollCode(ServerContext& ctx, const std::string& secret,
                                                 const std::string& public_key, const std::string& label);

}  // namespace wardsync::server

// The one-line enrollment code an administrator gives a device:
//   "WS1-" base64url( ca_fingerprint[32] | secret[16] | len[1] | server[len] | check[4] )
// check = first 4 bytes of SHA-256("WS1" | everything before it), so a typo is
// detected before the device connects anywhere.
#pragma once
#include <string>
#include <string_view>

#include "common/status.h"

namespace wardsync::enroll {

inline constexpr std::string_view kEnrollCodePrefix = "WS1-";

struct EnrollCode {
  std::string ca_fingerprint;  // 32 raw bytes: SHA-256 of the CA certificate's DER
  std::string secret;          // 16 raw bytes: the one-time secret
  // Optional "host:port[,host:port...]" hint (common/net/server_list.h): the
  // addresses of the server's `run` processes, tried in turn. May be empty.
  std::string server;
};

// "" if a field is invalid (fingerprint not 32 bytes, secret not 16 bytes,
// server longer than 255 bytes or not a valid server list).
std::string EncodeEnrollCode(const EnrollCode& code);

// Whitespace anywhere (line breaks from copying) is ignored; the prefix is
// case-insensitive. Errors: "enrollment code is malformed", "enrollment code
// checksum does not match (typo?)", "unsupported enrollment code version".
Result<EnrollCode> DecodeEnrollCode(std::string_view text);

// A device's label (`wardsync init --label`, else the officer's name) is
// shown in `devices` and `report` (escaped there): at most
// kMaxDeviceLabelBytes bytes of valid UTF-8. The server refuses any other at
// enrollment (the code stays unused); the client checks before it asks.
inline constexpr size_t kMaxDeviceLabelBytes = 200;
Status CheckDeviceLabel(std::string_view label);

}  // namespace wardsync::enroll

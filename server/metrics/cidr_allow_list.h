// Which client addresses may read /metrics: a list of IPv4 and IPv6 CIDR
// blocks (`run --metrics-allow CIDR`, repeatable). Metrics need no session,
// so the address is their only gate; loopback only unless told otherwise.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace wardsync::server {

class CidrAllowList {
 public:
  // 127.0.0.0/8 and ::1/128: what `run` allows when no --metrics-allow is given.
  static CidrAllowList Loopback();
  // Each entry "ADDR/PREFIX" or a bare address (a single host). A bad entry
  // is an error naming it; nothing is half-parsed.
  static Result<CidrAllowList> Parse(const std::vector<std::string>& entries);

  // The peer address as a socket reports it ("10.0.0.7", "::1",
  // "::ffff:10.0.0.7" for IPv4 on a dual-stack socket). An address that does
  // not parse is never allowed.
  bool Allows(std::string_view address) const;
  // The blocks in canonical form ("10.0.0.0/8"), for logs and --help.
  std::vector<std::string> Describe() const;

 private:
  struct Block {
    std::array<uint8_t, 16> addr{};  // IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d)
    unsigned prefix = 0;             // bits, counted on the 128-bit form
    bool v4 = false;
  };
  std::vector<Block> blocks_;
};

}  // namespace wardsync::server

// What the two web faces share (the officer app, client/ui/, and the
// committee dashboard, server/dashboard/): listen-address parsing, cookies,
// and the security headers every response carries. Free of any HTTP library.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace wardsync::web {

// Strict Content-Security-Policy (nothing inline, nothing from elsewhere),
// nosniff, no referrer, no framing, no caching.
const std::vector<std::pair<std::string, std::string>>& SecurityHeaders();

struct ListenAddress {
  std::string host;   // an IP literal, without brackets
  int port = 0;       // 0: pick a free one
  bool loopback = false;
  // "127.0.0.1:PORT" or "[::1]:PORT" for URLs and Host headers.
  std::string HostPort(int bound_port) const;
};
// "IP:PORT" or "[IPv6]:PORT"; `flag` names the option in errors ("--ui").
Result<ListenAddress> ParseListen(const std::string& listen, const std::string& flag);

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(const std::string& header, const std::string& name);

}  // namespace wardsync::web

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

// Sizing of an HTTP server that browsers talk to. cpp-httplib gives every
// open connection a pool thread until the connection closes, and a browser
// keeps up to six idle keep-alive connections to one host (Chromium): with
// fewer threads than that, a request on a further connection waits until an
// idle one times out (5 s by default: pages took 5-6 s to load). So the
// pool holds more threads than one browser's connections (the officer app
// has one user; the dashboard several reviewers), and idle connections are
// dropped after kKeepAliveSeconds so a crowd of tabs frees its threads soon.
inline constexpr int kOfficerAppThreads = 16;
inline constexpr int kDashboardThreads = 48;
inline constexpr int kKeepAliveSeconds = 2;

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(const std::string& header, const std::string& name);

}  // namespace wardsync::web

// The addresses a device may sync with: one server, or several `run`
// processes sharing one store (only the active one answers; the others take
// over when it dies, issue 14). An enrollment code and `wardsync init`
// carry them as "HOST:PORT[,HOST:PORT...]"; the device tries them in turn,
// the one that answered last first, so a failover needs nothing from the
// officer.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace wardsync::net {

// At most this many addresses (each is a connect attempt when servers are down).
inline constexpr size_t kMaxServers = 8;

// "HOST:PORT[,HOST:PORT...]": each a valid host:port (spaces around commas
// ignored), no address twice, at most kMaxServers. Returned in the given
// order, normalised by FormatHostPort. "" is an error.
Result<std::vector<std::string>> ParseServerList(std::string_view text);

// The inverse: addresses joined by ",".
std::string JoinServerList(const std::vector<std::string>& servers);

// The order to try `servers` in: `preferred` (the one that answered last)
// first if it is one of them, then the others in their order.
std::vector<std::string> ServerTryOrder(const std::vector<std::string>& servers, const std::string& preferred);

}  // namespace wardsync::net

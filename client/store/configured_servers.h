// Every address a device was given for its server, in the order it was
// given: ClientConfig.server, then more_servers (common/net/server_list.h).
#pragma once
#include <string>
#include <vector>

#include "common/net/server_list.h"
#include "proto/store.pb.h"

namespace wardsync::client {

inline std::vector<std::string> ConfiguredServers(const store::ClientConfig& cfg) {
  std::vector<std::string> out;
  if (!cfg.server().empty()) out.push_back(cfg.server());
  for (const auto& s : cfg.more_servers()) out.push_back(s);
  return out;
}

// The order this device tries them in (the one that answered last first):
// `preferred` is ClientStore::PreferredServer().
inline std::vector<std::string> ServersToTry(const store::ClientConfig& cfg, const std::string& preferred) {
  return net::ServerTryOrder(ConfiguredServers(cfg), preferred);
}

}  // namespace wardsync::client

// Layout of a ward client data directory.
#pragma once
#include <string>

namespace wardsync::client {

struct ClientPaths {
  explicit ClientPaths(std::string data_dir) : dir(std::move(data_dir)) {}
  std::string dir;
  std::string device_key() const { return dir + "/device.key"; }  // 0600, never leaves the device
  std::string db() const { return dir + "/db"; }
  std::string control_socket() const { return dir + "/control.sock"; }  // the agent's
};

}  // namespace wardsync::client

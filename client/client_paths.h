// Layout of a ward client data directory.
#pragma once
#include <cstdint>
#include <string>

namespace wardsync::client {

struct ClientPaths {
  explicit ClientPaths(std::string data_dir) : dir(std::move(data_dir)) {}
  std::string dir;
  std::string device_key() const { return dir + "/device.key"; }  // 0600, never leaves the device
  // The key of one epoch (client/keys): device.key is the enrollment key
  // (epoch 0); each rotation writes device.N.key for epoch N.
  std::string device_key(uint32_t epoch) const {
    return epoch == 0 ? device_key() : dir + "/device." + std::to_string(epoch) + ".key";
  }
  std::string db() const { return dir + "/db"; }
  // Copies of attached files, named by their SHA-256 (client/attach).
  std::string attachments() const { return dir + "/attachments"; }
  std::string control_socket() const { return dir + "/control.sock"; }  // the agent's
  std::string ui_url() const { return dir + "/ui-url"; }  // agent --ui: the officer app's URL, 0600
  // agent --ui: uploads being received, before CopyIn takes them (client/ui/attachment_intake.h).
  std::string ui_uploads() const { return dir + "/ui-uploads"; }
};

}  // namespace wardsync::client

#include "client/keys/device_keys.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace wardsync::client {

DeviceProof DeviceKeys::Proof() const {
  if (previous) return DeviceProof{&*previous, epoch - 1, &signing};
  return DeviceProof{&signing, epoch, nullptr};
}

Result<DeviceKeys> LoadDeviceKeys(ClientStore& store, const ClientPaths& paths) {
  auto state = store.State();
  if (!state.ok()) return state.status();
  const uint32_t epoch = state->key_epoch();
  auto signing = crypto::PrivateKey::LoadPemFile(paths.device_key(epoch));
  if (!signing.ok()) return signing.status();
  if (epoch > 0 && signing->PublicKeyRaw() != state->key_public_key()) {
    return Status::Corruption("key file " + paths.device_key(epoch) + " does not hold the device's key of epoch " +
                              std::to_string(epoch));
  }
  DeviceKeys keys{std::move(signing).value(), epoch, std::nullopt};
  if (epoch > 0 && RotationPending(*state)) {
    auto previous = crypto::PrivateKey::LoadPemFile(paths.device_key(epoch - 1));
    if (!previous.ok()) {
      return Status(previous.status().code(), "the key rotation to epoch " + std::to_string(epoch) +
                                                  " still needs the previous key: " + previous.status().message());
    }
    keys.previous = std::move(previous).value();
  }
  return keys;
}

Status RetireOldKeys(ClientStore& store, const ClientPaths& paths) {
  auto state = store.State();
  if (!state.ok()) return state.status();
  if (state->key_epoch() == 0 || RotationPending(*state)) return Status::Ok();
  for (uint32_t e = 0; e < state->key_epoch(); ++e) {
    const std::string path = paths.device_key(e);
    if (std::remove(path.c_str()) != 0 && errno != ENOENT) {
      return Status::Internal("cannot delete the retired key file " + path + ": " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

Result<SyncReport> SyncDevice(ClientStore& store, const ClientPaths& paths, const SyncOptions& options) {
  auto keys = LoadDeviceKeys(store, paths);
  if (!keys.ok()) return keys.status();
  const DeviceProof proof = keys->Proof();
  SyncOptions with_attachments = options;
  if (with_attachments.attachments_dir.empty()) with_attachments.attachments_dir = paths.attachments();
  auto report = RunSync(store, proof, with_attachments);
  // Even after a failed round: the hello may have acknowledged the rotation.
  Status retired = RetireOldKeys(store, paths);
  if (report.ok() && !retired.ok()) return retired;
  return report;
}

}  // namespace wardsync::client

#include "server/ingest/device_keys.h"

#include "common/changes/key_rotation.h"
#include "common/crypto/ed25519.h"

namespace wardsync::server {

using wardsync::store::Device;
using wardsync::store::DeviceKey;

const DeviceKey* KeyForEpoch(const Device& device, uint32_t epoch) {
  for (const auto& k : device.keys()) {
    if (k.epoch() == epoch) return &k;
  }
  return nullptr;
}

const DeviceKey* LatestKey(const Device& device) {
  const DeviceKey* latest = nullptr;
  for (const auto& k : device.keys()) {
    if (latest == nullptr || k.epoch() > latest->epoch()) latest = &k;
  }
  return latest;
}

Result<const DeviceKey*> SigningKey(const Device& device, uint32_t epoch, uint64_t seq) {
  const std::string what = "change-set seq " + std::to_string(seq) + " names key epoch " + std::to_string(epoch);
  const DeviceKey* key = KeyForEpoch(device, epoch);
  if (key == nullptr) return Status::Denied(what + ", which the server does not know for this device");
  if (seq < key->from_seq()) {
    return Status::Denied(what + ", which only signs from change-set " + std::to_string(key->from_seq()) + " on");
  }
  if (const DeviceKey* next = KeyForEpoch(device, epoch + 1); next != nullptr && seq >= next->from_seq()) {
    return Status::Denied(what + ", which the device retired by its key rotation at change-set " +
                          std::to_string(next->from_seq() - 1) + " (signed with the old key after the rotation)");
  }
  return key;
}

Status AddRotatedKey(Device& device, const wardsync::changes::ChangeSetBody& body, uint64_t now_ms) {
  WS_RETURN_IF_ERROR(changes_util::CheckRotation(body));
  const DeviceKey* latest = LatestKey(device);
  if (latest == nullptr || latest->epoch() != body.key_epoch()) {
    return Status::Denied("key rotation in change-set seq " + std::to_string(body.seq()) + " is signed in epoch " +
                          std::to_string(body.key_epoch()) + ", but only the device's latest key (epoch " +
                          (latest ? std::to_string(latest->epoch()) : std::string("none")) + ") may rotate");
  }
  for (const auto& k : device.keys()) {
    if (k.public_key() == body.rotate_key().public_key()) {
      return Status::Denied("key rotation in change-set seq " + std::to_string(body.seq()) +
                            " names a key this device already used (epoch " + std::to_string(k.epoch()) + ")");
    }
  }
  DeviceKey* added = device.add_keys();
  added->set_public_key(body.rotate_key().public_key());
  added->set_epoch(body.rotate_key().epoch());
  added->set_from_seq(body.seq() + 1);
  added->set_added_ms(now_ms);
  return Status::Ok();
}

Status CheckHelloProof(const Device& device, const wardsync::sync::Hello& hello, std::string_view binding) {
  const DeviceKey* latest = LatestKey(device);
  if (latest == nullptr || binding.empty()) {
    return Status::Unauthenticated("device proof does not verify for this connection");
  }
  const uint64_t claimed = hello.key_epoch();
  std::string_view signature;
  if (claimed == latest->epoch()) {
    signature = hello.auth_signature();
  } else if (claimed + 1 == latest->epoch() && !hello.next_auth_signature().empty()) {
    signature = hello.next_auth_signature();  // the rotation was recorded; the device has not seen the ack yet
  } else {
    return Status::Unauthenticated("device proof is made with key epoch " + std::to_string(claimed) +
                                   ", but the device's current key is epoch " + std::to_string(latest->epoch()) +
                                   " (older keys were retired by key rotation)");
  }
  if (!crypto::Verify(latest->public_key(), crypto::kAuthContext, binding, signature)) {
    return Status::Unauthenticated("device proof does not verify for this connection");
  }
  return Status::Ok();
}

}  // namespace wardsync::server

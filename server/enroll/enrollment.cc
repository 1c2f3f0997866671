#include "server/enroll/enrollment.h"

#include <algorithm>

#include "common/enroll/enroll_code.h"

#include "common/authority/role.h"
#include "common/crypto/digest.h"
#include "common/crypto/ed25519.h"
#include "common/store/proto_io.h"
#include "server/ingest/authorizer.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

Result<NewCode> CreateEnrollCode(ServerContext& ctx, const std::string& ward, const std::string& role,
                                 uint64_t ttl_ms) {
  if (!authority::IsEnrollableRole(role)) {
    return Status::Invalid("unknown role \"" + role + "\": use " + std::string(authority::kEnrollableRoles));
  }
  auto forms = ctx.forms.Get();
  if (forms->wards.wards_size() > 0) {
    bool known = false;
    for (const auto& w : forms->wards.wards()) known = known || w.id() == ward;
    if (!known) return Status::Invalid("unknown ward \"" + ward + "\" (see the published ward list: wardsync-server wards)");
  } else if (ward.empty()) {
    return Status::Invalid("--ward is required");
  }
  NewCode out;
  out.secret = crypto::RandomBytes(16);
  const uint64_t now = ctx.clock.NowMs();
  out.code.set_ward(ward);
  out.code.set_role(role);
  out.code.set_created_ms(now);
  out.code.set_expires_ms(now + ttl_ms);
  WriteBatch batch;
  PutProto(batch, keys::Code(crypto::Hex(crypto::Sha256(out.secret))), out.code);
  WS_RETURN_IF_ERROR(ctx.store.Write(batch, /*sync=*/true));
  return out;
}

Result<wardsync::store::Device> RedeemEnrollCode(ServerContext& ctx, const std::string& secret,
                                                 const std::string& public_key, const std::string& label) {
  WS_RETURN_IF_ERROR(enroll::CheckDeviceLabel(label));  // before the code is looked at: it stays usable
  const std::string code_key = keys::Code(crypto::Hex(crypto::Sha256(secret)));
  wardsync::store::EnrollCode code;
  Status s = GetProto(ctx.store, code_key, &code);
  if (s.not_found()) return Status::Unauthenticated("unknown enrollment code");
  if (!s.ok()) return s;
  if (code.used()) return Status::Unauthenticated("enrollment code was already used (by device " + code.used_by() + ")");
  if (code.cancelled_ms() != 0) return Status::Unauthenticated("enrollment code was cancelled; ask for a new one");
  const uint64_t now = ctx.clock.NowMs();
  if (now >= code.expires_ms()) return Status::Unauthenticated("enrollment code has expired; ask for a new one");
  if (public_key.size() != 32) return Status::Invalid("public key must be 32 bytes (Ed25519)");
  wardsync::store::Device device;
  device.set_id(crypto::DeviceIdFromPublicKey(public_key));
  wardsync::store::Device existing;
  if (GetProto(ctx.store, keys::Device(device.id()), &existing).ok()) {
    return Status::Exists("device " + device.id() + " is already enrolled");
  }
  device.set_ward(code.ward());
  device.set_role(code.role());
  device.set_label(label);
  device.set_enrolled_ms(now);
  auto* key = device.add_keys();
  key->set_public_key(public_key);
  key->set_epoch(0);
  key->set_from_seq(1);
  key->set_added_ms(now);
  code.set_used(true);
  code.set_used_by(device.id());
  WriteBatch batch;
  PutProto(batch, keys::Device(device.id()), device);
  PutProto(batch, code_key, code);
  WS_RETURN_IF_ERROR(ctx.store.Write(batch, /*sync=*/true));
  return device;
}

std::string StoredCode::State(uint64_t now_ms) const {
  if (code.used()) return "used";
  if (code.cancelled_ms() != 0) return "cancelled";
  if (now_ms >= code.expires_ms()) return "expired";
  return "unused";
}

Result<std::vector<StoredCode>> ListEnrollCodes(ServerContext& ctx, bool unused_only) {
  const std::string prefix = keys::Code("");
  const uint64_t now = ctx.clock.NowMs();
  std::vector<StoredCode> out;
  auto it = ctx.store.Scan(prefix);
  for (; it->Valid(); it->Next()) {
    StoredCode c;
    c.hash_hex = std::string(it->key().substr(prefix.size()));
    c.id = c.hash_hex.substr(0, kCodeIdDigits);
    if (!c.code.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption("enrollment code " + c.id + " does not parse");
    }
    if (unused_only && c.State(now) != "unused") continue;
    out.push_back(std::move(c));
  }
  WS_RETURN_IF_ERROR(it->status());
  std::stable_sort(out.begin(), out.end(),
                   [](const StoredCode& a, const StoredCode& b) { return a.code.created_ms() < b.code.created_ms(); });
  return out;
}

Result<StoredCode> CancelEnrollCode(ServerContext& ctx, const std::string& id_prefix, const std::string& by) {
  const bool hex = !id_prefix.empty() && id_prefix.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex || id_prefix.size() < 8 || id_prefix.size() > 64) {
    return Status::Invalid("\"" + id_prefix + "\" is not a code id: give the id `codes list` shows (8 to 64 lower-case "
                           "hex digits)");
  }
  auto all = ListEnrollCodes(ctx, false);
  if (!all.ok()) return all.status();
  std::vector<StoredCode*> match;
  for (auto& c : *all) {
    if (c.hash_hex.compare(0, id_prefix.size(), id_prefix) == 0) match.push_back(&c);
  }
  if (match.empty()) return Status::NotFound("no enrollment code " + id_prefix);
  if (match.size() > 1) return Status::Invalid("more than one code starts with " + id_prefix + ": give more digits");
  StoredCode c = *match[0];
  const uint64_t now = ctx.clock.NowMs();
  if (const std::string state = c.State(now); state != "unused") {
    return Status::Precondition("enrollment code " + c.id + " is " + state + ": nothing to cancel");
  }
  c.code.set_cancelled_ms(now);
  c.code.set_cancelled_by(by);
  WriteBatch batch;
  PutProto(batch, keys::Code(c.hash_hex), c.code);
  WS_RETURN_IF_ERROR(ctx.store.Write(batch, /*sync=*/true));
  return c;
}

}  // namespace wardsync::server

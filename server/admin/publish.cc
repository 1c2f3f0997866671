#include "server/admin/publish.h"

#include "common/store/proto_io.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

Result<PublishResult> PublishForms(ServerContext& ctx, const std::vector<wardsync::forms::FormDef>& forms,
                                   const std::optional<wardsync::forms::WardList>& wards) {
  PublishResult result;
  WriteBatch batch;
  for (const auto& f : forms) {
    const std::string name = f.id() + "@" + std::to_string(f.version());
    wardsync::forms::FormDef existing;
    Status s = GetProto(ctx.store, keys::Form(f.id(), f.version()), &existing);
    if (s.ok()) {
      if (existing.SerializeAsString() != f.SerializeAsString()) {
        return Status::Exists("form " + f.id() + " version " + std::to_string(f.version()) +
                              " is already published with a different definition; publish it as version " +
                              std::to_string(f.version() + 1));
      }
      result.unchanged.push_back(name);
      continue;
    }
    if (!s.not_found()) return s;
    PutProto(batch, keys::Form(f.id(), f.version()), f);
    result.published.push_back(name);
  }
  if (wards) {
    wardsync::forms::WardList current;
    Status s = GetProto(ctx.store, keys::kWards, &current);
    if (!s.ok() && !s.not_found()) return s;
    if (current.SerializeAsString() != wards->SerializeAsString()) {
      PutProto(batch, std::string(keys::kWards), *wards);
      result.wards_changed = true;
    }
  }
  result.epoch = ctx.forms.Get()->epoch;
  if (!batch.empty()) {
    ++result.epoch;
    std::string epoch;
    wardsync::keys::AppendU64(&epoch, result.epoch);
    batch.Put(std::string(keys::kFormsEpoch), epoch);
    WS_RETURN_IF_ERROR(ctx.store.Write(batch, /*sync=*/true));
    WS_RETURN_IF_ERROR(LoadForms(ctx));
  }
  return result;
}

}  // namespace wardsync::server

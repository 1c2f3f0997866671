#include "server/server_context.h"

#include "common/store/proto_io.h"
#include "server/store/server_keys.h"

namespace wardsync::server {

Status LoadForms(ServerContext& ctx) {
  auto data = std::make_shared<FormsSnapshot::Data>();
  auto it = ctx.store.Scan(keys::kFormPrefix);
  for (; it->Valid(); it->Next()) {
    wardsync::forms::FormDef def;
    if (!def.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption("stored form " + std::string(it->key()) + " does not parse");
    }
    WS_RETURN_IF_ERROR(data->registry.Add(def));
  }
  WS_RETURN_IF_ERROR(it->status());
  auto lists = ctx.store.Scan(keys::kChoiceListPrefix);
  for (; lists->Valid(); lists->Next()) {
    wardsync::forms::ChoiceListDef list;
    if (!list.ParseFromArray(lists->value().data(), static_cast<int>(lists->value().size()))) {
      return Status::Corruption("stored choice list " + std::string(lists->key()) + " does not parse");
    }
    WS_RETURN_IF_ERROR(data->registry.AddChoiceList(std::move(list)));
  }
  WS_RETURN_IF_ERROR(lists->status());
  Status s = GetProto(ctx.store, keys::kWards, &data->wards);
  if (!s.ok() && !s.not_found()) return s;
  std::string epoch;
  s = ctx.store.Get(keys::kFormsEpoch, &epoch);
  if (s.ok()) data->epoch = wardsync::keys::ReadU64(epoch);
  else if (!s.not_found()) return s;
  ctx.forms.Set(std::move(data));
  return Status::Ok();
}

}  // namespace wardsync::server

#include "server/accounts/user_store.h"

#include "common/store/proto_io.h"
#include "server/store/server_keys.h"

namespace wardsync::server::accounts {

std::optional<DashRole> ParseDashRole(std::string_view text) {
  if (text == "viewer") return DashRole::kViewer;
  if (text == "reviewer") return DashRole::kReviewer;
  if (text == "admin") return DashRole::kAdmin;
  return std::nullopt;
}

WardScope WardScope::Of(const wardsync::store::DashboardUser& u) {
  WardScope s;
  s.all = u.wards().empty();
  s.wards.insert(u.wards().begin(), u.wards().end());
  return s;
}

Status CheckUserName(std::string_view name) {
  if (name.empty() || name.size() > 64) return Status::Invalid("a user name has 1 to 64 characters");
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == '@';
    if (!ok) {
      return Status::Invalid("user name \"" + std::string(name) +
                             "\": only letters, digits and . _ - @ are allowed");
    }
  }
  return Status::Ok();
}

Result<wardsync::store::DashboardUser> LoadUser(KvStore& store, const std::string& name) {
  wardsync::store::DashboardUser u;
  Status s = GetProto(store, keys::User(name), &u);
  if (!s.ok()) return s;
  return u;
}

Result<std::vector<wardsync::store::DashboardUser>> ListUsers(KvStore& store) {
  std::vector<wardsync::store::DashboardUser> out;
  auto it = store.Scan(keys::kUserPrefix);
  for (; it->Valid(); it->Next()) {
    wardsync::store::DashboardUser u;
    if (!u.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption("a stored dashboard account does not parse");
    }
    out.push_back(std::move(u));
  }
  if (!it->status().ok()) return it->status();
  return out;
}

Status SaveUser(KvStore& store, const wardsync::store::DashboardUser& user) {
  WriteBatch batch;
  PutProto(batch, keys::User(user.name()), user);
  return store.Write(batch, /*sync=*/true);
}

}  // namespace wardsync::server::accounts

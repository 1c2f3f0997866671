// Dashboard accounts in the server store (user/<name> -> store.DashboardUser).
// Reads may run anywhere; writes must run on the committer thread
// (AdminEnv::Exclusive), like every other store mutation.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/store/kv_store.h"
#include "proto/store.pb.h"

namespace wardsync::server::accounts {

// What an account may do on the dashboard: a viewer reads, a reviewer also
// resolves and reviews, an admin also enrolls and revokes devices.
enum class DashRole { kViewer, kReviewer, kAdmin };
std::optional<DashRole> ParseDashRole(std::string_view text);
inline bool MayResolve(DashRole r) { return r != DashRole::kViewer; }
inline bool MayReview(DashRole r) { return r != DashRole::kViewer; }
inline bool MayManageDevices(DashRole r) { return r == DashRole::kAdmin; }

// Which wards an account sees: all, or the listed ones.
struct WardScope {
  bool all = true;
  std::set<std::string> wards;
  bool Sees(const std::string& ward) const { return all || wards.count(ward) > 0; }
  static WardScope Of(const wardsync::store::DashboardUser& u);
};

// Letters, digits, '.', '_', '-' and '@', 1-64 bytes: names appear in cookies'
// sessions, logs and the history, so nothing that needs quoting.
Status CheckUserName(std::string_view name);

Result<wardsync::store::DashboardUser> LoadUser(KvStore& store, const std::string& name);
Result<std::vector<wardsync::store::DashboardUser>> ListUsers(KvStore& store);
// Durable (synced) write of one account. Committer thread only.
Status SaveUser(KvStore& store, const wardsync::store::DashboardUser& user);

}  // namespace wardsync::server::accounts

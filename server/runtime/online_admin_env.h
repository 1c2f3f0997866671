// AdminEnv inside the running server: writes go through the group
// committer's thread (serialized with ingest), revocations close connections.
#pragma once
#include <future>

#include "server/admin/admin_env.h"
#include "server/net/sync_server.h"

namespace wardsync::server {

class OnlineAdminEnv : public AdminEnv {
 public:
  OnlineAdminEnv(ServerPaths paths, ServerContext& ctx, GroupCommitter& committer, SyncServer& sync)
      : AdminEnv(std::move(paths)), ctx_(ctx), committer_(committer), sync_(sync) {}
  ServerContext& ctx() override { return ctx_; }
  // Called on a control worker thread (never an io thread): waiting is fine.
  void Exclusive(const std::function<void(Ingestor&)>& fn) override {
    std::promise<void> done;
    committer_.RunExclusive([&](Ingestor& ing) {
      fn(ing);
      done.set_value();
    });
    done.get_future().wait();
  }
  void OnRevoked(const std::string& device_id) override { sync_.DisconnectDevice(device_id); }

 private:
  ServerContext& ctx_;
  GroupCommitter& committer_;
  SyncServer& sync_;
};

}  // namespace wardsync::server

// AdminEnv inside the running server: writes go through the group
// committer's thread (serialized with ingest), revocations close connections.
#pragma once
#include <future>

#include "common/control/control_channel.h"
#include "server/admin/admin_env.h"
#include "server/net/sync_server.h"

namespace wardsync::server {

class OnlineAdminEnv : public AdminEnv {
 public:
  OnlineAdminEnv(ServerPaths paths, ServerContext& ctx, GroupCommitter& committer, SyncServer& sync,
                 control::Peer peer = {})
      : AdminEnv(std::move(paths)), ctx_(ctx), committer_(committer), sync_(sync), peer_(peer) {}
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
  // The user at the other end of the control socket, not the server's own.
  LocalOperator Operator() const override {
    return peer_.known ? OperatorForUid(peer_.uid) : AdminEnv::Operator();
  }

 private:
  ServerContext& ctx_;
  GroupCommitter& committer_;
  SyncServer& sync_;
  control::Peer peer_;
};

}  // namespace wardsync::server

// What an administrative command runs against: the server context and a way
// to make writes that are serialized with ingest. Two implementations:
// offline (the command opened the store itself) and online (the command was
// forwarded over the control socket to the running server).
#pragma once
#include <functional>
#include <string>

#include "server/ingest/group_committer.h"
#include "server/server_context.h"
#include "server/server_paths.h"

namespace wardsync::server {

// The local user who ran a command (kept by `import` in its audit record).
struct LocalOperator {
  uint32_t uid = 0;
  std::string name;   // login name, or "uid N" if the system has none
};
LocalOperator OperatorForUid(uint32_t uid);

class AdminEnv {
 public:
  explicit AdminEnv(ServerPaths paths) : paths_(std::move(paths)) {}
  virtual ~AdminEnv() = default;
  virtual ServerContext& ctx() = 0;
  // Runs fn with exclusive write access and waits for it.
  virtual void Exclusive(const std::function<void(Ingestor&)>& fn) = 0;
  // Called after a device is revoked (a running server closes its connections).
  virtual void OnRevoked(const std::string& device_id) {}
  // Who runs this command: this process's user, or the control-socket peer.
  virtual LocalOperator Operator() const;
  const ServerPaths& paths() const { return paths_; }

 private:
  ServerPaths paths_;
};

// The command opened the store itself: writes happen inline.
class OfflineAdminEnv : public AdminEnv {
 public:
  OfflineAdminEnv(ServerPaths paths, ServerContext& ctx) : AdminEnv(std::move(paths)), ctx_(ctx), ingestor_(ctx) {}
  Status Init() { return ingestor_.LoadHead(); }
  ServerContext& ctx() override { return ctx_; }
  void Exclusive(const std::function<void(Ingestor&)>& fn) override { fn(ingestor_); }

 private:
  ServerContext& ctx_;
  Ingestor ingestor_;
};

}  // namespace wardsync::server

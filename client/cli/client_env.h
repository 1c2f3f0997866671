// What a client command runs against: the open store of one data directory,
// the device key (loaded when needed) and the clock. The same commands run
// in the `wardsync` process or, forwarded over the control socket, inside
// the agent that holds the directory.
#pragma once
#include <optional>
#include <string>

#include "client/client_paths.h"
#include "client/keys/device_keys.h"
#include "client/store/client_store.h"
#include "client/sync/sync_client.h"
#include "common/clock/clock.h"
#include "common/crypto/ed25519.h"

namespace wardsync::client {

class ClientEnv {
 public:
  ClientEnv(ClientPaths paths, ClientStore& store, const Clock& clock) : paths_(std::move(paths)), store_(store), clock_(clock) {}
  const ClientPaths& paths() const { return paths_; }
  ClientStore& store() { return store_; }
  const Clock& clock() const { return clock_; }
  // The device key of the current epoch (it signs new change-sets); refused
  // if its file, or the previous key's while a rotation is pending, is
  // readable by others. Read from disk each time: a rotation (client/keys)
  // may have replaced it since the last call.
  Result<crypto::PrivateKey> Key() {
    auto keys = LoadDeviceKeys(store_, paths_);
    if (!keys.ok()) return keys.status();
    return std::move(keys->signing);
  }
  virtual ~ClientEnv() = default;
  // One sync round, here and now.
  Result<SyncReport> SyncRoundDirect(const SyncOptions& options) { return SyncDevice(store_, paths_, options); }
  // One sync round. Inside the agent this is serialized with the agent's own rounds.
  virtual Result<SyncReport> SyncRound(const SyncOptions& options) { return SyncRoundDirect(options); }
  // Inside the agent: the agent's view (running, next attempt); else nullopt.
  struct AgentInfo {
    uint64_t next_attempt_ms = 0;
    uint64_t backoff_ms = 0;
    std::string phase;          // "idle", "syncing", "backing off"
    SyncProgress progress;      // of the round in flight
  };
  virtual std::optional<AgentInfo> AgentStatus() { return std::nullopt; }
  // Tells a running agent that something new is pending.
  virtual void WakeAgent() {}
  // Inside an agent started with --ui: the officer app's URL (with its secret).
  virtual std::optional<std::string> UiUrl() { return std::nullopt; }

 private:
  ClientPaths paths_;
  ClientStore& store_;
  const Clock& clock_;
};

}  // namespace wardsync::client

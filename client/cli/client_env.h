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
  // Whether the device's key files are usable: held, readable by this user
  // only (the previous key's too while a rotation is pending) and the key
  // the state names. A save signs nothing (the sync signs what it sends),
  // but a command that writes is refused on a key file others can read, as
  // every client command is: a device whose key may be known to others must
  // not add to what that key will vouch for. Read from disk each time: a
  // rotation (client/keys) may have replaced the files since the last call.
  Status CheckKeys() { return LoadDeviceKeys(store_, paths_).status(); }
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

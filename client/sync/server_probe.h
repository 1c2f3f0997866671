// A TCP connect to the device's server (no TLS, no data): whether the server
// answers at all, at a cost so small that probing every few seconds is no
// storm. The agent probes while backing off after an outage; the officer app
// probes to show live reachability on Home (client/ui/reach_probe.h).
// Blocking (at most `timeout`): never call it inside an asio handler.
#pragma once
#include <chrono>
#include <string>

namespace wardsync::client {

// `server` is the device's configured HOST:PORT.
bool ServerAnswers(const std::string& server, std::chrono::milliseconds timeout);

}  // namespace wardsync::client

// The fleet file: what wardsync-bench hands the load generator about the
// devices it enrolled (bench/README.md, S4/S6). Text, one item per line:
//
//   server 127.0.0.1:PORT          where the server listens
//   ca <path>                      the committee CA (PEM file) devices pin
//   forms_epoch N                  the forms the devices already hold
//   officer <name>
//   change <hex>                   a serialized Change captured by the real
//                                  client (client::Capture): the template of
//                                  every record the devices create
//   device <id> <ward>             followed by the device's key, PEM lines
//   -----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----
//
// Devices are enrolled by the bench (rows written into the server's store
// before it starts, bench_server.h), so the file never leaves the bench's
// temporary directory; its keys are throw-away bench keys.
#pragma once
#include <string>
#include <vector>

#include "common/crypto/ed25519.h"
#include "common/status.h"
#include "proto/changes.pb.h"

namespace wardsync::bench {

struct FleetDevice {
  std::string id;
  std::string ward;
  crypto::PrivateKey key;
};

struct Fleet {
  std::string server;        // host:port
  std::string ca_path;
  uint64_t forms_epoch = 0;
  std::string officer;
  std::vector<wardsync::changes::Change> templates;
  std::vector<FleetDevice> devices;
};

Status WriteFleetFile(const std::string& path, const Fleet& fleet);
Result<Fleet> ReadFleetFile(const std::string& path);

}  // namespace wardsync::bench

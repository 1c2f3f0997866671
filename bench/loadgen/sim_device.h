// One simulated device of the load generator: its key, its chain (seq and
// hash of its last change-set), its pull cursor and TLS session, and the
// Push frames prepared for it. Nothing here touches a store: the server is
// what is measured, so a device keeps only what its next round needs.
//
// Push frames are built and signed BEFORE the clock starts (Prepare): per
// sync, `records` CREATE change-sets from the templates (new record ids),
// chained by prev_hash, serialized as the wire carries them — one signature
// per run, on its head (PROTOCOL.md, Signatures).
#pragma once
#include <asio/ip/address_v4.hpp>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "bench/loadgen/fleet_file.h"

namespace wardsync::bench {

struct PreparedPush {
  uint64_t last_seq = 0;
  std::string payload;  // a serialized sync.Frame{push}
};

class SimDevice {
 public:
  SimDevice(const FleetDevice& who, const Fleet& fleet, asio::ip::address_v4 source)
      : who_(who), fleet_(fleet), source_(source) {}

  // Appends one Push of `records` change-sets to the unsent queue.
  void Prepare(size_t records, uint64_t hlc_ms);
  size_t unsent() const { return pushes_.size() - sent_; }

  // The frames the next round sends: every push not yet acknowledged (a
  // round that failed is resent: same bytes, the server acknowledges a
  // replay again) and one new one, if any.
  std::vector<const PreparedPush*> TakeRound();
  // The server acknowledged up to seq: drop what it holds.
  void Acknowledge(uint64_t seq);

  const FleetDevice& who() const { return who_; }
  asio::ip::address_v4 source() const { return source_; }
  uint64_t acked_seq() const { return acked_; }
  uint64_t last_seq() const { return seq_; }
  uint64_t cursor = 0;
  std::string session;  // DER of the last TLS session (resumption)
  bool busy = false;

 private:
  const FleetDevice& who_;
  const Fleet& fleet_;
  asio::ip::address_v4 source_;
  uint64_t seq_ = 0;          // last seq prepared
  std::string last_hash_;     // SHA-256 of that body
  uint64_t acked_ = 0;
  uint64_t template_ = 0;
  std::deque<PreparedPush> pushes_;  // unacknowledged, oldest first
  size_t sent_ = 0;                  // how many of pushes_ went out at least once
};

// Device i's own loopback source address (127.10.0.1, 127.10.0.2, ...):
// the server caps connections not yet authenticated per address, and a
// real fleet comes from many addresses; Linux answers every 127/8 address.
asio::ip::address_v4 SourceAddress(size_t i);

}  // namespace wardsync::bench

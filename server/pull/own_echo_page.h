// Leaves out of a pull page the records the device already holds exactly
// (PROTOCOL.md, "Own changes not echoed"): a record whose normalized form
// (common/echo/own_echo.h) has one of the digests the device sent, and
// which the device can complete to the stored record byte for byte. Each is
// replaced by an OwnEcho (its digest's index and log_seq); the received_ms
// of the device's change-sets those records carry go along once per page.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/echo/own_echo.h"
#include "server/pull/pull_reader.h"

namespace wardsync::server {

struct OwnEchoAsk {
  echo::OwnRange range;
  std::unordered_map<uint64_t, uint32_t> index;  // digest -> its index in the request
  bool empty() const { return index.empty(); }
};

// Rewrites page.records and sets page.extra_fields (the PullBatch fields
// own, received_seq, received_ms). A record that does not parse, or is not
// one of the device's, stays in the page as it is.
void LeaveOutOwnEchoes(RawPullPage& page, const OwnEchoAsk& ask);

}  // namespace wardsync::server

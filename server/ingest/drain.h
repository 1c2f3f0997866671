// `revoke --drain`: a revoked device may still push what it already holds,
// then it is refused like any revoked device.
//
// "What it already holds" is fixed by the server, not trusted afresh at each
// push: at the device's FIRST hello after the revocation the server records
// drain_until_seq = Hello.acked_seq + Hello.report.queue_depth (the last
// change-set the device says it has made). From then on ingest admits only
// change-sets with seq <= drain_until_seq; anything the device makes later
// is new work and refused (REVOKED). The drain ends, and the device is
// plainly revoked, at the first hello after it has pushed up to
// drain_until_seq (or when it had nothing to push), or at the deadline
// (`--drain-hours`), whichever comes first.
//
// So a hostile holder of a draining device can at most inflate its claim at
// that first hello, and only until the deadline; every admitted change-set
// is still checked exactly like any other (chain, signature, scope).
#pragma once
#include <cstdint>
#include <string>

#include "common/status.h"
#include "proto/store.pb.h"
#include "server/server_context.h"

namespace wardsync::server {

// The highest seq the drain admits now; 0 when the device is not draining
// (not revoked, no drain, deadline passed, or ceiling not fixed yet).
uint64_t DrainCeiling(const wardsync::store::Device& d, uint64_t now_ms);

// True while the drain may still admit something: revoked with a drain
// whose deadline has not passed and whose ceiling is unfixed or not reached.
bool DrainOpen(const wardsync::store::Device& d, uint64_t now_ms);

struct DrainDecision {
  bool admit = false;                // the hello may go on (push only)
  wardsync::store::Device device;    // the row as stored after the decision
  std::string why;                   // when refused: the message for the device
};

// At the hello of a revoked device, on the committer thread (it may write
// the device row): fixes the ceiling at the first contact, or ends the
// drain. acked_seq and queue_depth are what the hello reports.
Result<DrainDecision> DrainAtHello(ServerContext& ctx, const std::string& device_id, uint64_t acked_seq,
                                   uint64_t queue_depth);

// The refusal text for a revoked device (sync and import).
std::string RevokedMessage(const wardsync::store::Device& d);

}  // namespace wardsync::server

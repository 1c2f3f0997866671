// The device's clock against the server's (DESIGN.md "Never strand an honest
// device"; PROTOCOL.md, Clock skew).
//
// Every sync measures the offset: server time (HelloReply.server_time_ms)
// minus this device's wall clock at the middle of the hello's round trip,
// and stores it in SyncState with the moment it was measured, both as this
// device's wall clock and as CLOCK_BOOTTIME (which nobody sets, and which
// counts through suspend). Capture and `status` estimate the offset *now*
// from that: on the same boot, server time now = measured server time +
// boot time elapsed, so setting the clock right after the last sync is seen
// at once and no stale warning is printed. After a reboot the stored offset
// is used as it was measured.
//
// The device's own hybrid logical clock is bounded too (Capture, key
// rotation): it never runs more than the allowed skew ahead of this
// device's wall clock. Without that, one change-set made while the clock was
// 2 hours fast would keep every later stamp 2 hours ahead (an HLC never goes
// back) after the clock was fixed, and the server would keep clamping and
// flagging them for those 2 hours. What the cap drops is only the part of
// the future the server clamps away anyway: a stamp pulled from the server
// is at most its receive time + the allowed skew, so every stamp this
// device has seen from others stays below the cap once its clock is right.
// Order between this device's own edits does not rest on the HLC but on
// each change's base (the version it saw), so an edit made after the cap
// still supersedes the device's earlier, faster-stamped edit. (The stored
// state.hlc keeps the fast stamp; the cap applies at every stamp, so until
// the wall clock catches up the device stamps at most the allowed skew
// ahead: never clamped, never flagged, no more ahead than the server lets
// any device be.)
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "proto/store.pb.h"

namespace wardsync::client {

// What the server allows when it has not said (servers before
// HelloReply.max_clock_skew_ms): the server's default.
inline constexpr uint64_t kDefaultMaxClockSkewMs = 5 * 60 * 1000;

struct BootTime {
  uint64_t ms = 0;        // CLOCK_BOOTTIME
  std::string id;         // /proc/sys/kernel/random/boot_id ("" if unreadable)
};
BootTime ReadBootTime();

// Sets the SyncState fields of one measurement. `sent_ms`/`received_ms`:
// this device's wall clock when the hello was sent and its reply read;
// `max_skew_ms`: HelloReply.max_clock_skew_ms (0: not said).
void RecordServerClock(store::SyncState& state, uint64_t server_time_ms, uint64_t sent_ms, uint64_t received_ms,
                       uint64_t max_skew_ms, const BootTime& boot);

// The skew the server allows, as last learned.
uint64_t AllowedSkewMs(const store::SyncState& state);

struct ClockEstimate {
  int64_t ahead_ms = 0;        // this device's clock minus the server's (negative: behind)
  uint64_t measured_ms = 0;    // the server's time of the sync that measured it
  uint64_t allowed_ms = 0;
  bool off() const { return (ahead_ms < 0 ? -ahead_ms : ahead_ms) > static_cast<int64_t>(allowed_ms); }
};
// nullopt until a sync measured the server's clock.
std::optional<ClockEstimate> EstimateClock(const store::SyncState& state, uint64_t wall_now_ms, const BootTime& boot);

// "2 h 3 min", "4 min 10 s", "12 s": a duration as people say it.
std::string DurationText(uint64_t ms);

// The warning capture prints when the clock is off, or nullopt.
std::optional<std::string> ClockWarning(const store::SyncState& state, uint64_t wall_now_ms, const BootTime& boot);

}  // namespace wardsync::client

// Clock skew never blocks a device (DESIGN.md "Never strand an honest
// device"). A change-set stamped further ahead of the time the server
// received it than the allowed skew is accepted like any other, but its
// stamp is clamped: the HLC's physical part becomes received + allowed skew
// (the logical part is kept), and the hlc the device signed is kept beside
// it in Stamp.device_hlc. So a fast clock can make a device's values win a
// conflict over edits made at most `max_skew_ms` later, never hours later,
// and the signed body stays exactly as received (verify checks it as is).
//
// A stamp behind the server's time is left alone: it can only lose.
#pragma once
#include <cstdint>

#include "common/status.h"
#include "proto/records.pb.h"
#include "proto/store.pb.h"

namespace wardsync::server {

// Bounds of `run --max-clock-skew-s`: 0 would clamp every honest stamp made
// a moment before it arrived; more than a day makes the bound meaningless.
inline constexpr uint64_t kMinClockSkewS = 1;
inline constexpr uint64_t kMaxClockSkewS = 24 * 3600;
// The flag's value checked against those bounds, with a message naming it.
Status CheckMaxClockSkewS(uint64_t seconds);

struct BoundedHlc {
  uint64_t hlc = 0;          // the stamp to use
  uint64_t device_hlc = 0;   // the stamp as signed, when clamped (0: not clamped)
  uint64_t lead_ms = 0;      // how far the signed stamp was ahead of received_ms (0: not ahead)
  bool clamped() const { return device_hlc != 0; }
};

// The stamp the server uses for a change-set signed with `hlc` and received
// at `received_ms`, allowing `max_skew_ms` ahead.
BoundedHlc BoundHlc(uint64_t hlc, uint64_t received_ms, uint64_t max_skew_ms);

// Sets stamp.hlc (and device_hlc when clamped) from `bounded`.
void SetStampHlc(wardsync::records::Stamp& stamp, const BoundedHlc& bounded);

// Records a clamp on the device (max_clock_skew_ms: the lead of its latest
// clamped stamp; skew_seen_ms: when). Nothing when not clamped.
// The device's clock minus the server's, in ms, from the wall clock a hello
// reports: any int64 a device sends gives a value, saturated at the int64
// range instead of overflowing (a hostile `clock_ms` of INT64_MIN).
int64_t ClockSkewMs(int64_t device_clock_ms, uint64_t server_now_ms);

void NoteStampSkew(wardsync::store::Device& device, const BoundedHlc& bounded, uint64_t received_ms);

}  // namespace wardsync::server

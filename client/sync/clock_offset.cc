#include "client/sync/clock_offset.h"

#include <time.h>

#include <fstream>

#include "common/render/record_render.h"

namespace wardsync::client {

BootTime ReadBootTime() {
  BootTime b;
  timespec ts{};
  if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0) {
    b.ms = static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1'000'000;
  }
  std::ifstream id("/proc/sys/kernel/random/boot_id");
  std::getline(id, b.id);
  return b;
}

void RecordServerClock(store::SyncState& state, uint64_t server_time_ms, uint64_t sent_ms, uint64_t received_ms,
                       uint64_t max_skew_ms, const BootTime& boot) {
  if (server_time_ms == 0) return;  // a server that did not say
  // The server read its clock somewhere in the round trip: the middle is the
  // best guess (off by at most half the round trip).
  const uint64_t middle = received_ms >= sent_ms ? sent_ms + (received_ms - sent_ms) / 2 : received_ms;
  state.set_server_offset_ms(static_cast<int64_t>(server_time_ms) - static_cast<int64_t>(middle));
  state.set_offset_measured_ms(middle);
  state.set_offset_measured_boot_ms(boot.ms);
  state.set_offset_boot_id(boot.id);
  if (max_skew_ms) state.set_server_max_clock_skew_ms(max_skew_ms);
}

uint64_t AllowedSkewMs(const store::SyncState& state) {
  return state.server_max_clock_skew_ms() ? state.server_max_clock_skew_ms() : kDefaultMaxClockSkewMs;
}

std::optional<ClockEstimate> EstimateClock(const store::SyncState& state, uint64_t wall_now_ms, const BootTime& boot) {
  if (state.offset_measured_ms() == 0) return std::nullopt;
  ClockEstimate e;
  // Shown as the server's time of that sync: this device's may be the wrong one.
  e.measured_ms = static_cast<uint64_t>(static_cast<int64_t>(state.offset_measured_ms()) + state.server_offset_ms());
  e.allowed_ms = AllowedSkewMs(state);
  const bool same_boot = !boot.id.empty() && boot.id == state.offset_boot_id() && boot.ms != 0 &&
                         boot.ms >= state.offset_measured_boot_ms();
  if (same_boot) {
    // Server time now, carried forward by a clock nobody sets.
    const int64_t server_now = static_cast<int64_t>(state.offset_measured_ms()) + state.server_offset_ms() +
                               static_cast<int64_t>(boot.ms - state.offset_measured_boot_ms());
    e.ahead_ms = static_cast<int64_t>(wall_now_ms) - server_now;
  } else {
    e.ahead_ms = -state.server_offset_ms();
  }
  return e;
}

std::string DurationText(uint64_t ms) {
  // Rounded, not cut: a clock 2 hours fast measured as 7199.98 s ahead reads "2 h 0 min".
  const uint64_t s = (ms + 500) / 1000;
  if (s >= 3600) {
    const uint64_t m = (s + 30) / 60;
    return std::to_string(m / 60) + " h " + std::to_string(m % 60) + " min";
  }
  if (s >= 60) return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
  return std::to_string(s) + " s";
}

std::optional<std::string> ClockWarning(const store::SyncState& state, uint64_t wall_now_ms, const BootTime& boot) {
  auto e = EstimateClock(state, wall_now_ms, boot);
  if (!e || !e->off()) return std::nullopt;
  const bool ahead = e->ahead_ms > 0;
  const uint64_t by = static_cast<uint64_t>(ahead ? e->ahead_ms : -e->ahead_ms);
  std::string text = "warning: this device's clock is " + DurationText(by) + (ahead ? " ahead of" : " behind") +
                     " the server's (measured at the sync of " + render::TimeMs(e->measured_ms) +
                     "; the server allows " + DurationText(e->allowed_ms) + "). ";
  text += ahead ? "The change is saved and will be accepted, but the server will count it as made at most " +
                      DurationText(e->allowed_ms) + " after it receives it."
                : "The change is saved and will be accepted, but it counts as made " + DurationText(by) +
                      " earlier than it was, so an older edit of the same field can win over it.";
  text += " Set this device's date, time and time zone right.";
  return text;
}

}  // namespace wardsync::client

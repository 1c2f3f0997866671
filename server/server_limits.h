// Every limit the server enforces, with its default. All configurable on
// `wardsync-server run`.
#pragma once
#include <chrono>
#include <cstdint>

namespace wardsync::server {

struct ServerLimits {
  uint32_t max_frame_bytes = 8u << 20;
  uint32_t max_changesets_per_push = 1000;
  uint32_t max_changes_per_changeset = 100;
  uint32_t max_pull_records = 2000;
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds read_timeout{30'000};     // a started frame must finish within this
  std::chrono::milliseconds idle_timeout{60'000};     // between frames
  std::chrono::milliseconds write_timeout{30'000};
  uint32_t max_connections = 10'000;
  uint32_t max_connections_per_device = 2;
  uint64_t max_clock_skew_ms = 5 * 60 * 1000;          // stamps further ahead are clamped (ingest/clock_bound.h)
  uint64_t enroll_code_ttl_ms = 24ull * 3600 * 1000;
  uint32_t group_commit_max = 512;                    // submissions per durable write
  // Compressed frames for clients that accept them (PROTOCOL.md,
  // Compression). Off: the server answers like one that predates them.
  bool zstd = true;
};

}  // namespace wardsync::server

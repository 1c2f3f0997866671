// Every limit the server enforces, with its default. All configurable on
// `wardsync-server run`.
#pragma once
#include <chrono>
#include <cstdint>

#include "common/status.h"
#include "common/wire/content_limits.h"
#include "proto/sync.pb.h"

namespace wardsync::server {

// A pull frame around one record: the frame's and the batch's own fields.
inline constexpr uint32_t kRecordFrameOverhead = 64;

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
  // Sizes of what a client supplies (PROTOCOL.md, Limits; announced in
  // HelloReply.limits). Over one: the change-set (or enrollment, hello) is
  // refused with LIMIT_EXCEEDED; the candidates and record size are content
  // limits: the change is kept as REJECTED.
  uint32_t max_officer_bytes = 256;
  uint32_t max_text_bytes = 64u << 10;
  uint32_t max_fields_per_change = 1024;
  uint32_t max_candidates_per_field = 16;
  uint32_t max_record_bytes = 1u << 20;     // must fit a pull frame: at most max_frame_bytes - kRecordFrameOverhead
  uint32_t max_label_bytes = 200;
  uint32_t max_report_bytes = 16u << 10;
  uint32_t max_changeset_bytes = 128u << 10;
  // Volume per device and UTC day (0: none); beyond it Error{BUSY}.
  uint32_t max_changesets_per_day = 50'000;
  uint64_t max_bytes_per_day = 512ull << 20;
  // Bytes of frames in flight across every connection (pushes read and not
  // yet acknowledged, pull pages being read and sent; memory_budget.h).
  // A push or pull that does not fit waits its turn (first come, first
  // served) this long before Error{BUSY}: under the client's 30 s io
  // timeout, so a waiting device is answered, never timed out.
  // 64 MiB: a burst of 2,000 devices then peaks near 210 MB of RSS (the
  // budget's share, TLS, LevelDB and the binary), under the 256 MB target
  // of bench S4; 128 let 2,000 parsed pushes wait at once (~245 MB).
  uint64_t memory_budget_bytes = 64ull << 20;
  std::chrono::milliseconds budget_wait{25'000};
  // Compressed pull pages and pieces shared by the devices of a ward
  // (server/pull/shared_pages.h). A server with many more wards than
  // bench S4's 32 may want more. In bench S4 a larger cache took whole
  // pages more often in a single 200 syncs/s step (64 MiB: 4.1 -> 3.7 ms of
  // server CPU a sync), but over the full ladder of rates it saved nothing
  // (16: 4.56, 32: 4.62, 64: 4.73 ms) and the burst's peak RSS grew with
  // it (216, 230, 266 MB), so the default stays 16 MiB (bench/README.md,
  // session 14).
  uint64_t shared_pages_bytes = 16ull << 20;
  // Connections from one source address (any state), and the share of
  // max_connections kept for authenticated devices (an anonymous flood is
  // shed before it takes them).
  uint32_t max_connections_per_address = 64;
  uint32_t reserved_authenticated = 1000;
  // Submissions per durable write. 128 (was 512): a group's transient
  // memory (its parsed records, the write batch twice, LevelDB's memtable
  // insert) grows with it, and at once with every other sync of a fleet's
  // burst (bench S4); four times the synced writes cost little (~0.3 ms each).
  uint32_t group_commit_max = 128;
  // Replaced record versions a group commit keeps on its arena before it
  // moves the live records to a fresh one (server/ingest/ingest_group.h,
  // CompactArena). A backlog of new records stays far below it.
  size_t group_arena_compact_bytes = 32u << 20;
  // Compressed frames for clients that accept them (PROTOCOL.md,
  // Compression). Off: the server answers like one that predates them.
  bool zstd = true;
};

// Limits that bound each other (`run` refuses the rest, naming the flags):
// max_record_bytes and max_changeset_bytes within what a frame carries.
Status CheckLimitsFit(const ServerLimits& limits);
// What HelloReply.limits announces (the client keeps to it).
wardsync::sync::ServerLimits Announced(const ServerLimits& limits);
// The change-set content limits ingest enforces (wire::CheckChangeSetBody).
wire::ContentLimits ContentOf(const ServerLimits& limits);

}  // namespace wardsync::server

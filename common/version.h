// Protocol and software versions. The protocol version log is in proto/PROTOCOL.md.
#pragma once
#include <cstdint>

namespace wardsync {
// 2: one signature per run on the wire, HelloReply.limits (PROTOCOL.md, Version log).
inline constexpr uint32_t kProtocolVersion = 2;        // newest this build speaks
// The server still serves version 1 clients (they send every signature and
// ignore the limits; see PROTOCOL.md, Version log), so servers can be
// upgraded before their devices.
inline constexpr uint32_t kMinProtocolVersion = 1;     // oldest the server accepts
// This client needs 2: its pushes carry one signature per run, which a
// version 1 server would store as received and its `verify` then flag.
inline constexpr uint32_t kMinClientProtocolVersion = 2;
inline constexpr const char* kSoftwareVersion = "0.1.0";
}  // namespace wardsync
